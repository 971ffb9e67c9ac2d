import type { EventChannel } from '@shared/ipc/channels';
import type { EventPayload, ScreenSource } from '@shared/ipc/contract';
import type { Log } from '../log';
import { originOf } from '../windows/origin';

/**
 * Screen share in the desktop app. Chromium has no picker of its own in Electron: getDisplayMedia lands in
 * `session.setDisplayMediaRequestHandler`, where we list the screens and windows (desktopCapturer), send them with
 * thumbnails to the page that asked (`screen:pick-source`), and wait for its choice (`screen:choose-source`). One
 * request is open at a time: a newer one, the timeout, or a cancel answers the old one with nothing, which rejects its
 * getDisplayMedia. Only our own app's main frame may ask; anything else is refused without showing a picker.
 */

/** Structural slices of Electron's types, so the test can pass plain fakes. */
export interface FrameLike {
  url: string;
  /** null for a main frame. */
  parent: unknown;
}
export interface DisplayMediaRequestLike {
  frame: FrameLike | null;
  securityOrigin: string;
  videoRequested: boolean;
  audioRequested: boolean;
}
export interface PickedStreams {
  video?: { id: string; name: string };
  audio?: 'loopback';
}
export type DisplayMediaHandler = (request: DisplayMediaRequestLike, callback: (streams: PickedStreams) => void) => void;
export interface DisplayMediaSessionLike {
  setDisplayMediaRequestHandler(handler: DisplayMediaHandler | null, opts?: { useSystemPicker: boolean }): void;
}
export interface NativeImageLike {
  isEmpty(): boolean;
  toJPEG(quality: number): Uint8Array;
  toDataURL(): string;
}
export interface CapturerSourceLike {
  id: string;
  name: string;
  thumbnail: NativeImageLike | null;
  appIcon: NativeImageLike | null;
}
export interface DesktopCapturerLike {
  getSources(options: {
    types: Array<'screen' | 'window'>;
    thumbnailSize: { width: number; height: number };
    fetchWindowIcons: boolean;
  }): Promise<CapturerSourceLike[]>;
}
export interface PickerTarget {
  id: number;
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/**
 * Whether `audio: 'loopback'` captures system audio here. Electron 41's Streams docs: "currently only supported on
 * Windows". macOS needs Chromium feature flags and, with our own picker, records silence
 * (https://github.com/electron/electron/issues/52738); Linux has no loopback through this API.
 */
export function loopbackAudioSupported(platform: NodeJS.Platform): boolean {
  return platform === 'win32';
}

export const THUMBNAIL_SIZE = { width: 320, height: 180 } as const;
const PICK_TIMEOUT_MS = 60_000;

function jpegDataUrl(image: NativeImageLike | null): string | null {
  if (!image || image.isEmpty()) return null;
  return `data:image/jpeg;base64,${Buffer.from(image.toJPEG(75)).toString('base64')}`;
}

/** App icons keep their transparency (PNG); they are small. */
function pngDataUrl(image: NativeImageLike | null): string | null {
  if (!image || image.isEmpty()) return null;
  const url = image.toDataURL();
  return url.startsWith('data:image/png;base64,') ? url : null;
}

export function toScreenSource(source: CapturerSourceLike): ScreenSource {
  return {
    id: source.id,
    name: source.name.slice(0, 200),
    kind: source.id.startsWith('screen:') ? 'screen' : 'window',
    thumbnail: jpegDataUrl(source.thumbnail),
    appIcon: pngDataUrl(source.appIcon),
  };
}

interface OpenRequest {
  requestId: string;
  target: PickerTarget;
  callback: (streams: PickedStreams) => void;
  sources: Map<string, ScreenSource>;
  audioSupported: boolean;
  timer: unknown;
}

export interface ScreenPicker {
  /** The renderer's answer (`screen:choose-source`). */
  choose(choice: { requestId: string; sourceId: string | null; audio: boolean }): { accepted: boolean };
  /** Answers an open request with nothing and removes the handler. */
  dispose(): void;
}

export function createScreenPicker(deps: {
  session: DisplayMediaSessionLike;
  desktopCapturer: DesktopCapturerLike;
  appOrigin: string;
  platform: NodeJS.Platform;
  /** The webContents this frame belongs to, when it is one of our windows that may share (else null). */
  targetFor: (frame: FrameLike) => PickerTarget | null;
  /** Validated send to one renderer (RendererEvents.sendTo). */
  sendTo: <E extends EventChannel>(target: PickerTarget, channel: E, payload: EventPayload<E>) => boolean;
  newId: () => string;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  log: Log;
  timeoutMs?: number;
}): ScreenPicker {
  const { log } = deps;
  const timeoutMs = deps.timeoutMs ?? PICK_TIMEOUT_MS;
  let open: OpenRequest | null = null;

  /** Answers the open request exactly once; `tellRenderer`: close its dialog (main gave up, not the user). */
  function finish(request: OpenRequest, streams: PickedStreams, why: string, tellRenderer: boolean): void {
    if (open !== request) return;
    open = null;
    if (request.timer !== null) deps.clearTimeout(request.timer);
    if (tellRenderer) deps.sendTo(request.target, 'screen:pick-cancelled', { requestId: request.requestId });
    log.info(
      { requestId: request.requestId, shared: streams.video !== undefined, audio: streams.audio !== undefined, why },
      'screen picker answered',
    );
    request.callback(streams);
  }

  function refusal(request: DisplayMediaRequestLike): string | null {
    const frame = request.frame;
    if (!frame) return 'frame gone';
    if (frame.parent !== null) return 'subframe';
    if (originOf(frame.url) !== deps.appOrigin || originOf(request.securityOrigin) !== deps.appOrigin) return 'foreign origin';
    if (!request.videoRequested) return 'no video requested';
    return null;
  }

  const handler: DisplayMediaHandler = (request, callback) => {
    const refused = refusal(request);
    const target = refused === null && request.frame ? deps.targetFor(request.frame) : null;
    if (refused !== null || target === null) {
      log.warn({ reason: refused ?? 'foreign window', origin: originOf(request.securityOrigin) }, 'screen share refused');
      callback({});
      return;
    }
    if (open) finish(open, {}, 'replaced by a newer request', true);
    const audioSupported = loopbackAudioSupported(deps.platform) && request.audioRequested;
    const pending: OpenRequest = { requestId: deps.newId(), target, callback, sources: new Map(), audioSupported, timer: null };
    open = pending;
    deps.desktopCapturer
      .getSources({ types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE, fetchWindowIcons: true })
      .then((found) => {
        if (open !== pending) return;
        const sources = found.slice(0, 200).map(toScreenSource);
        for (const s of sources) pending.sources.set(s.id, s);
        const sent = deps.sendTo(target, 'screen:pick-source', { requestId: pending.requestId, sources, audioSupported });
        if (!sent) return finish(pending, {}, 'the page is gone', false);
        pending.timer = deps.setTimeout(() => finish(pending, {}, 'timed out', true), timeoutMs);
        log.info({ requestId: pending.requestId, sources: sources.length, audioSupported }, 'screen picker shown');
      })
      .catch((error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'listing screens and windows failed');
        finish(pending, {}, 'no sources', true);
      });
  };
  // Our picker everywhere, so every platform shows the same dialog and the same audio switch.
  deps.session.setDisplayMediaRequestHandler(handler, { useSystemPicker: false });

  return {
    choose({ requestId, sourceId, audio }) {
      const request = open;
      if (!request || request.requestId !== requestId) return { accepted: false };
      if (sourceId === null) {
        finish(request, {}, 'cancelled', false);
        return { accepted: true };
      }
      const source = request.sources.get(sourceId);
      if (!source) return { accepted: false };
      const streams: PickedStreams = { video: { id: source.id, name: source.name } };
      if (audio && request.audioSupported) streams.audio = 'loopback';
      finish(request, streams, 'chosen', false);
      return { accepted: true };
    },
    dispose() {
      if (open) finish(open, {}, 'quitting', true);
      deps.session.setDisplayMediaRequestHandler(null);
    },
  };
}
