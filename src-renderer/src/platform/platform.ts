/**
 * The only module that touches the desktop bridge (`window.parley`, typed by src-shared/ipc/contract.ts and exposed
 * by the preload). Everything else asks `platform()` and gets the same answers on the web, where storage falls back
 * to localStorage and push-to-talk to focused-window key events.
 */
import type { ParleyBridge, VoiceCommand } from '@shared/ipc/contract';
import { createWebStorage, type KeyValueStorage } from './storage';

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
  reportVoiceState(state: { connected: boolean; muted: boolean; deafened: boolean; speaking: boolean; channelName: string | null }): void;
  setBadgeCount(count: number): void;
  /** Desktop: global push-to-talk is configured in the main process (enable, release delay, key capture). */
  desktopPtt: {
    configure(options: { enabled: boolean; releaseDelayMs: number }): void;
    bindingLabel(): Promise<string | null>;
    startRebind(): void;
    cancelRebind(): void;
    onBindingCaptured(cb: (label: string) => void): () => void;
  } | null;
  /** Desktop notification for a mention while the window is in the background. */
  notifyMention(mention: { title: string; body: string; guildId: string; channelId: string; messageId: string }): void;
  /** parley://invite/<code> links opened from outside (desktop). */
  onInviteLink(cb: (code: string) => void): () => void;
  /** A click on a mention notification: open that channel. */
  onOpenChannel(cb: (target: { guildId: string | null; channelId: string }) => void): () => void;
}

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
    return {
      kind: 'web',
      storage,
      defaultServerUrl: pageOrigin,
      onPushToTalk: null,
      onVoiceCommand: () => () => undefined,
      reportVoiceState: () => undefined,
      setBadgeCount: () => undefined,
      desktopPtt: null,
      notifyMention: () => undefined,
      onInviteLink: () => () => undefined,
      onOpenChannel: () => () => undefined,
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
      startRebind: () => void b.ptt.startRebind(),
      cancelRebind: () => void b.ptt.cancelRebind(),
      onBindingCaptured: (cb) => b.ptt.onBindingCaptured((e) => cb(e.binding.label)),
    },
    notifyMention: (m) => {
      void b.notifications.showMention(m);
    },
    onInviteLink: (cb) => b.deeplink.onOpen((link) => cb(link.code)),
    onOpenChannel: (cb) => b.notifications.onClicked((e) => cb({ guildId: e.guildId, channelId: e.channelId })),
  };
}

let current: Platform | null = null;

export function platform(): Platform {
  current ??= createPlatform();
  return current;
}
