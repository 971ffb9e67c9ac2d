import type { Log } from './log';
import { originOf } from './windows/origin';

/**
 * The permission table: one entry per permission Chromium may ask for, each with the reason for its decision.
 * Anything not in the table is denied. Every decision is logged.
 */

export interface PermissionQuery {
  permission: string;
  /** requestingUrl (request handler) or requestingOrigin (check handler). */
  url: string;
  isMainFrame: boolean;
  /** For 'media': what the page asked for. */
  mediaTypes: ReadonlyArray<'audio' | 'video' | 'unknown'>;
}

export interface Decision {
  allow: boolean;
  reason: string;
}

type Rule = (q: PermissionQuery, ours: boolean) => Decision;

const deny =
  (reason: string): Rule =>
  () => ({ allow: false, reason });
const oursOnly =
  (reason: string): Rule =>
  (_q, ours) =>
    ours ? { allow: true, reason } : { allow: false, reason: `${reason} — but only for the Parley app itself` };

export const permissionTable: Readonly<Record<string, Rule>> = {
  media: (q, ours) => {
    if (!ours) return { allow: false, reason: 'microphone and camera are only for the Parley app itself' };
    if (!q.isMainFrame) return { allow: false, reason: 'microphone and camera are not granted to subframes' };
    if (q.mediaTypes.length === 0 || q.mediaTypes.some((t) => t !== 'audio' && t !== 'video')) {
      return { allow: false, reason: 'only the microphone and the camera are used; unspecified media is not granted' };
    }
    const video = q.mediaTypes.includes('video');
    const audio = q.mediaTypes.includes('audio');
    return {
      allow: true,
      reason:
        video && audio
          ? 'microphone and camera for voice and video'
          : video
            ? 'camera for video in voice channels and calls'
            : 'microphone for voice channels',
    };
  },
  'speaker-selection': oursOnly('choosing the output device (setSinkId) for voice'),
  'clipboard-sanitized-write': oursOnly('copying invite links and messages'),
  fullscreen: oursOnly('fullscreen for shared screens and video tiles'),
  notifications: deny('notifications are shown natively by the main process, which checks focus and settings'),
  'clipboard-read': deny('pages never read the clipboard silently; paste works through the keyboard'),
  'deprecated-sync-clipboard-read': deny('pages never read the clipboard silently'),
  'display-capture': (q, ours) => {
    if (!ours) return { allow: false, reason: 'screen sharing is only for the Parley app itself' };
    if (!q.isMainFrame) return { allow: false, reason: 'screen sharing is not granted to subframes' };
    return { allow: true, reason: 'screen share in voice channels and calls (the source is chosen in our own picker)' };
  },
  geolocation: deny('location is never needed'),
  'idle-detection': deny('presence is tracked by the server, not by the OS idle state'),
  mediaKeySystem: deny('no DRM content'),
  midi: deny('no MIDI devices are used'),
  midiSysex: deny('no MIDI devices are used'),
  pointerLock: deny('no pointer lock is used'),
  keyboardLock: deny('the keyboard is never captured by the page (push-to-talk is global, in main)'),
  openExternal: deny('external links go through the window-open allowlist instead'),
  'storage-access': deny('no third-party storage'),
  'top-level-storage-access': deny('no third-party storage'),
  'window-management': deny('windows are managed by the main process'),
  fileSystem: deny('no File System Access API; uploads use a file input'),
  hid: deny('no HID devices'),
  serial: deny('no serial devices'),
  usb: deny('no USB devices'),
};

export function decidePermission(q: PermissionQuery, appOrigin: string): Decision {
  const rule = permissionTable[q.permission];
  if (!rule) return { allow: false, reason: 'not in the permission table' };
  return rule(q, originOf(q.url) === appOrigin);
}

/** Slice of Electron's Session used here. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string; isMainFrame?: boolean; mediaTypes?: Array<'audio' | 'video'> },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (
      webContents: unknown,
      permission: string,
      requestingOrigin: string,
      details: { isMainFrame?: boolean; mediaType?: 'audio' | 'video' | 'unknown'; requestingUrl?: string },
    ) => boolean,
  ): void;
  setDevicePermissionHandler(handler: () => boolean): void;
}

export function installPermissionHandlers(
  session: PermissionSession,
  deps: {
    appOrigin: string;
    log: Log;
    /** The OS camera permission (macOS prompts once); asked only when the table grants the camera. */
    ensureCamera?: () => Promise<boolean>;
  },
): void {
  const { log, appOrigin } = deps;
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const q: PermissionQuery = {
      permission,
      url: details.requestingUrl ?? '',
      isMainFrame: details.isMainFrame ?? false,
      mediaTypes: details.mediaTypes ?? [],
    };
    const decision = decidePermission(q, appOrigin);
    log.info(
      { permission, origin: originOf(q.url), allow: decision.allow, reason: decision.reason, kind: 'request' },
      'permission decision',
    );
    if (!decision.allow || permission !== 'media' || !q.mediaTypes.includes('video') || !deps.ensureCamera) {
      callback(decision.allow);
      return;
    }
    deps.ensureCamera().then(
      (granted) => {
        if (!granted) log.info({ permission, kind: 'os' }, 'camera refused by the OS permission');
        callback(granted);
      },
      (error: unknown) => {
        log.warn({ err: String(error) }, 'asking the OS for the camera failed');
        callback(false);
      },
    );
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => {
    const q: PermissionQuery = {
      permission,
      url: requestingOrigin,
      isMainFrame: details.isMainFrame ?? true,
      mediaTypes: details.mediaType ? [details.mediaType] : [],
    };
    const decision = decidePermission(q, appOrigin);
    // Checks are frequent (every enumerateDevices); log only denials at info to keep the log readable.
    if (!decision.allow)
      log.info(
        { permission, origin: originOf(requestingOrigin), allow: false, reason: decision.reason, kind: 'check' },
        'permission decision',
      );
    return decision.allow;
  });
  // WebHID/WebUSB/WebSerial device pickers: never.
  session.setDevicePermissionHandler(() => false);
}
