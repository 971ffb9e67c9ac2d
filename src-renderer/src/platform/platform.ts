/**
 * The only module that touches the desktop bridge (`window.parley`, typed by src-shared/ipc/contract.ts and exposed
 * by the preload). Everything else asks `platform()` and gets the same answers on the web, where storage falls back
 * to localStorage and push-to-talk to focused-window key events.
 */
import type {
  CallCommand,
  Notice,
  ParleyBridge,
  PttDiagnostics,
  Ringing,
  ScreenPickRequest,
  VoiceCommand,
  VoiceState,
} from '@shared/ipc/contract';
import { createWebStorage, type KeyValueStorage } from './storage';
import { createWebNotifier, type WebNotificationPermission } from './web-notifications';

export interface Platform {
  kind: 'desktop' | 'web';
  /** Small persistent key/value store (settings, server address, read state, per-user volumes). */
  storage: KeyValueStorage;
  /** Where the API lives by default: the origin that served the page. */
  defaultServerUrl(): string;
  /**
   * Global push-to-talk from the main process (works unfocused; binding and release delay are applied there).
   * null on the web: the renderer listens to key events of the focused window itself.
   */
  onPushToTalk: ((cb: (transmitting: boolean) => void) => () => void) | null;
  /** Tray / hotkey commands (toggle mute, toggle deafen, disconnect); a no-op subscription on the web. */
  onVoiceCommand(cb: (command: VoiceCommand['command']) => void): () => void;
  /** Tells the desktop shell the call state (tray icon and menu); ignored on the web. */
  reportVoiceState(state: VoiceState): void;
  setBadgeCount(count: number): void;
  /** Desktop: global push-to-talk is configured in the main process (enable, release delay, key capture). */
  desktopPtt: {
    configure(options: { enabled: boolean; releaseDelayMs: number }): void;
    bindingLabel(): Promise<string | null>;
    /** Follows the binding as main saves it (captured here, or changed by another window or the settings file). */
    onBindingChanged(cb: (label: string | null) => void): () => void;
    startRebind(): void;
    /** Ends a capture started by startRebind (Escape in the window, or the button pressed again). */
    cancelRebind(): void;
    onBindingCaptured(cb: (label: string) => void): () => void;
    /** Why the global hook does or does not work (Wayland, macOS Accessibility, …) and what to do about it. */
    diagnostics(): Promise<PttDiagnostics | null>;
    onDiagnostics(cb: (diagnostics: PttDiagnostics) => void): () => void;
  } | null;
  /** Desktop: the OS microphone permission (macOS asks once per app; Windows has a privacy switch). null on the web. */
  microphoneAccess: {
    status(): Promise<MicrophoneAccess>;
    /** Shows the OS prompt where there is one (macOS); resolves to whether we may capture now. */
    request(): Promise<{ granted: boolean; status: MicrophoneAccess }>;
  } | null;
  /** Messages from the desktop shell for the user (settings reset, hook unavailable, update ready); none on the web. */
  onNotice(cb: (notice: Notice) => void): () => void;
  /** Version and OS of the desktop app, for the settings footer; null on the web. */
  appInfo(): Promise<{ version: string; platform: string } | null>;
  /**
   * Shows a notification for a message the notification settings let through (features/notifications/should-notify).
   * Desktop: a native one from the main process, which also skips it while the window is focused. Web: the
   * Notification API, once the user granted it.
   */
  notify(target: { title: string; body: string; guildId: string | null; channelId: string; messageId: string }): void;
  /**
   * Web: the browser's notification permission, asked only from a user gesture ("Enable desktop notifications").
   * null on the desktop, where main shows native notifications without asking.
   */
  notificationPermission: { state(): WebNotificationPermission; request(): Promise<WebNotificationPermission> } | null;
  /** parley://invite/<code> links opened from outside (desktop). */
  onInviteLink(cb: (code: string) => void): () => void;
  /** A click on a notification: open that channel. */
  onOpenChannel(cb: (target: { guildId: string | null; channelId: string }) => void): () => void;
  /**
   * Desktop: opens a message link in the system browser through main's scheme allow-list (after the renderer asked
   * "Leaving Parley?"); resolves whether it opened. null on the web, where links open in a new tab by themselves.
   */
  openExternal: ((url: string) => Promise<boolean>) | null;
  /**
   * What rings now (features/calls), null when nothing does. Desktop: a native notification with Accept / Decline, the
   * tray's ringing state and a flashing taskbar entry, all gone once it stops. Web: a notification while the tab is out of
   * view (once the user allowed notifications); the page rings itself.
   */
  reportRinging(ringing: Ringing | null): void;
  /** Accept / Decline / show from the ringing notification or the tray (desktop); never on the web. */
  onCallCommand(cb: (command: CallCommand) => void): () => void;
  /**
   * Desktop: getDisplayMedia asks main, which lists the screens and windows and asks us to pick one (the picker dialog,
   * features/screen-share); the answer goes back with `choose` (null: cancel). null on the web, where the browser shows
   * its own picker.
   */
  screenPicker: {
    onRequest(cb: (request: ScreenPickRequest) => void): () => void;
    /** Main gave up on a request (timeout, a newer one): close its dialog. */
    onCancelled(cb: (requestId: string) => void): () => void;
    /** Resolves whether main still had that request open. */
    choose(choice: { requestId: string; sourceId: string | null; audio: boolean }): Promise<boolean>;
  } | null;
}

export type MicrophoneAccess = 'granted' | 'denied' | 'restricted' | 'not-determined' | 'unknown';

function bridge(): ParleyBridge | null {
  return window.parley ?? null;
}

function pageOrigin(): string {
  const { origin, protocol } = window.location;
  // file:// and app:// pages (the packaged desktop renderer) have no API at their origin.
  if (protocol === 'http:' || protocol === 'https:') return origin;
  return 'http://127.0.0.1:8080';
}

export function createPlatform(): Platform {
  const b = bridge();
  const storage = createWebStorage(window.localStorage);
  if (!b) {
    const web = createWebNotifier({
      ctor: () => (typeof window.Notification === 'function' ? window.Notification : undefined),
      focusWindow: () => window.focus(),
      inView: () => document.visibilityState === 'visible' && document.hasFocus(),
    });
    return {
      kind: 'web',
      storage,
      defaultServerUrl: pageOrigin,
      onPushToTalk: null,
      onVoiceCommand: () => () => undefined,
      reportVoiceState: () => undefined,
      setBadgeCount: () => undefined,
      desktopPtt: null,
      microphoneAccess: null,
      onNotice: () => () => undefined,
      appInfo: async () => null,
      notify: (target) => void web.show(target),
      notificationPermission: { state: web.permission, request: web.request },
      onInviteLink: () => () => undefined,
      onOpenChannel: (cb) => web.onClick(cb),
      openExternal: null,
      reportRinging: (ringing) => web.ring(ringing),
      onCallCommand: () => () => undefined,
      screenPicker: null,
    };
  }
  return {
    kind: 'desktop',
    storage,
    defaultServerUrl: pageOrigin,
    onPushToTalk: (cb) => b.ptt.onState((s) => cb(s.transmitting)),
    onVoiceCommand: (cb) => b.voice.onCommand((c) => cb(c.command)),
    reportVoiceState: (state) => {
      void b.voice.reportState(state);
    },
    setBadgeCount: (count) => {
      void b.app.setBadgeCount({ count });
    },
    desktopPtt: {
      configure: ({ enabled, releaseDelayMs }) => {
        void b.settings.update({ ptt: { enabled, releaseDelayMs } });
      },
      bindingLabel: async () => {
        const res = await b.settings.get();
        return res.ok ? (res.data.ptt.binding?.label ?? null) : null;
      },
      onBindingChanged: (cb) => b.settings.onChanged((s) => cb(s.ptt.binding?.label ?? null)),
      startRebind: () => void b.ptt.startRebind(),
      cancelRebind: () => void b.ptt.cancelRebind(),
      onBindingCaptured: (cb) => b.ptt.onBindingCaptured((e) => cb(e.binding.label)),
      diagnostics: async () => {
        const res = await b.ptt.getDiagnostics();
        return res.ok ? res.data : null;
      },
      onDiagnostics: (cb) => b.ptt.onDiagnostics(cb),
    },
    microphoneAccess: {
      status: async () => {
        const res = await b.media.getMicrophoneAccess();
        return res.ok ? res.data.status : 'unknown';
      },
      request: async () => {
        const res = await b.media.requestMicrophoneAccess();
        return res.ok ? res.data : { granted: false, status: 'unknown' };
      },
    },
    onNotice: (cb) => b.app.onNotice(cb),
    appInfo: async () => {
      const res = await b.app.getInfo();
      return res.ok ? { version: res.data.version, platform: res.data.platform } : null;
    },
    notify: (m) => {
      void b.notifications.showMention(m);
    },
    notificationPermission: null,
    onInviteLink: (cb) => b.deeplink.onOpen((link) => cb(link.code)),
    onOpenChannel: (cb) => b.notifications.onClicked((e) => cb({ guildId: e.guildId, channelId: e.channelId })),
    openExternal: async (url) => {
      const res = await b.app.openExternal({ url });
      return res.ok && res.data.opened;
    },
    reportRinging: (ringing) => {
      void b.calls.setRinging({ ringing });
    },
    onCallCommand: (cb) => b.calls.onCommand(cb),
    screenPicker: {
      onRequest: (cb) => b.screen.onPickSource(cb),
      onCancelled: (cb) => b.screen.onPickCancelled((e) => cb(e.requestId)),
      choose: async (choice) => {
        const res = await b.screen.chooseSource(choice);
        return res.ok && res.data.accepted;
      },
    },
  };
}

let current: Platform | null = null;

export function platform(): Platform {
  current ??= createPlatform();
  return current;
}
