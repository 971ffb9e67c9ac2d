import { describe, expect, it, vi } from 'vitest';
import { eventContract } from '@shared/ipc/contract';
import type { Log } from '../log';
import type {
  CapturerSourceLike,
  DisplayMediaHandler,
  DisplayMediaRequestLike,
  NativeImageLike,
  PickedStreams,
  PickerTarget,
} from './screen-picker';
import { createScreenPicker, THUMBNAIL_SIZE } from './screen-picker';

const APP = 'app://parley';
const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function image(bytes = [1, 2, 3]): NativeImageLike {
  return {
    isEmpty: () => bytes.length === 0,
    toJPEG: () => Uint8Array.from(bytes),
    toDataURL: () => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`,
  };
}
const screen: CapturerSourceLike = { id: 'screen:0:0', name: 'Entire Screen', thumbnail: image(), appIcon: null };
const editor: CapturerSourceLike = { id: 'window:42:0', name: 'notes.txt — Editor', thumbnail: image([9, 9]), appIcon: image([7]) };

function setup(
  options: {
    platform?: NodeJS.Platform;
    sources?: CapturerSourceLike[];
    trusted?: boolean;
    getSources?: () => Promise<CapturerSourceLike[]>;
  } = {},
) {
  let handler: DisplayMediaHandler | null = null;
  const handlerOptions: unknown[] = [];
  const session = {
    setDisplayMediaRequestHandler: vi.fn((h: DisplayMediaHandler | null, opts?: { useSystemPicker: boolean }) => {
      handler = h;
      handlerOptions.push(opts);
    }),
  };
  const getSources = vi.fn(options.getSources ?? (async () => options.sources ?? [screen, editor]));
  const sent: Array<[string, unknown]> = [];
  const target: PickerTarget = { id: 7, isDestroyed: () => false, send: () => undefined };
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  let n = 0;
  const picker = createScreenPicker({
    session,
    desktopCapturer: { getSources },
    appOrigin: APP,
    platform: options.platform ?? 'linux',
    targetFor: () => (options.trusted === false ? null : target),
    sendTo: (_t, channel, payload) => {
      // As RendererEvents.sendTo does: only contract-valid payloads leave main.
      expect(eventContract[channel].safeParse(payload).success).toBe(true);
      sent.push([channel, payload]);
      return true;
    },
    newId: () => `req-${++n}`,
    setTimeout: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      (h as { cleared: boolean }).cleared = true;
    },
    log: silent,
  });
  /** getDisplayMedia from a page: resolves once the picker was shown (or answered at once). */
  async function request(over: Partial<DisplayMediaRequestLike> = {}) {
    const answers: PickedStreams[] = [];
    handler!(
      {
        frame: { url: `${APP}/index.html#/guilds/1`, parent: null },
        securityOrigin: APP,
        videoRequested: true,
        audioRequested: true,
        ...over,
      },
      (streams) => answers.push(streams),
    );
    await new Promise((r) => setTimeout(r, 0));
    return answers;
  }
  return { picker, session, handlerOptions, getSources, sent, timers, request, handler: () => handler };
}

describe('desktop screen picker', () => {
  it('installs our own picker (never the system one) and removes it on dispose', () => {
    const { picker, session, handlerOptions, handler } = setup();
    expect(handler()).toBeTypeOf('function');
    expect(handlerOptions[0]).toEqual({ useSystemPicker: false });
    picker.dispose();
    expect(session.setDisplayMediaRequestHandler).toHaveBeenLastCalledWith(null);
  });

  it('when our page asks, then screens and windows are listed with thumbnails and sent to that page with a request id', async () => {
    const { getSources, sent, request } = setup();
    const answers = await request();
    expect(answers).toEqual([]);
    expect(getSources).toHaveBeenCalledWith({ types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE, fetchWindowIcons: true });
    expect(sent).toEqual([
      [
        'screen:pick-source',
        {
          requestId: 'req-1',
          audioSupported: false,
          sources: [
            { id: 'screen:0:0', name: 'Entire Screen', kind: 'screen', thumbnail: 'data:image/jpeg;base64,AQID', appIcon: null },
            {
              id: 'window:42:0',
              name: 'notes.txt — Editor',
              kind: 'window',
              thumbnail: 'data:image/jpeg;base64,CQk=',
              appIcon: 'data:image/png;base64,Bw==',
            },
          ],
        },
      ],
    ]);
  });

  it('when the user picks a source, then getDisplayMedia gets exactly that source, once', async () => {
    const { picker, request, timers } = setup();
    const answers = await request();
    expect(picker.choose({ requestId: 'req-1', sourceId: 'window:42:0', audio: false })).toEqual({ accepted: true });
    expect(answers).toEqual([{ video: { id: 'window:42:0', name: 'notes.txt — Editor' } }]);
    expect(timers[0]?.cleared).toBe(true);
    // A second answer to the same request changes nothing.
    expect(picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: false })).toEqual({ accepted: false });
    expect(answers).toHaveLength(1);
  });

  it('when the user cancels, then getDisplayMedia gets nothing (and is rejected)', async () => {
    const { picker, request, sent } = setup();
    const answers = await request();
    expect(picker.choose({ requestId: 'req-1', sourceId: null, audio: true })).toEqual({ accepted: true });
    expect(answers).toEqual([{}]);
    // The dialog closed itself: no cancelled event back to it.
    expect(sent.map(([c]) => c)).toEqual(['screen:pick-source']);
  });

  it('when nobody answers within the timeout, then the request gets nothing and the page is told to close its picker', async () => {
    const { picker, request, timers, sent } = setup();
    const answers = await request();
    expect(timers[0]?.ms).toBe(60_000);
    timers[0]!.fn();
    expect(answers).toEqual([{}]);
    expect(sent.at(-1)).toEqual(['screen:pick-cancelled', { requestId: 'req-1' }]);
    expect(picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: false })).toEqual({ accepted: false });
  });

  it('when a second request comes while one is open, then the first gets nothing and only the second can be answered', async () => {
    const { picker, request, sent } = setup();
    const first = await request();
    const second = await request();
    expect(first).toEqual([{}]);
    expect(sent.map(([c, p]) => [c, (p as { requestId: string }).requestId])).toEqual([
      ['screen:pick-source', 'req-1'],
      ['screen:pick-cancelled', 'req-1'],
      ['screen:pick-source', 'req-2'],
    ]);
    expect(picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: false })).toEqual({ accepted: false });
    expect(picker.choose({ requestId: 'req-2', sourceId: 'screen:0:0', audio: false })).toEqual({ accepted: true });
    expect(second).toEqual([{ video: { id: 'screen:0:0', name: 'Entire Screen' } }]);
  });

  it('when the answer names a source that was not offered, then it is not accepted and the request stays open', async () => {
    const { picker, request } = setup();
    const answers = await request();
    expect(picker.choose({ requestId: 'req-1', sourceId: 'window:1:0', audio: false })).toEqual({ accepted: false });
    expect(answers).toEqual([]);
  });

  it.each([
    ['a foreign origin', { frame: { url: 'https://evil.example/', parent: null }, securityOrigin: 'https://evil.example' }],
    ['a look-alike origin', { frame: { url: 'app://parley.evil/', parent: null }, securityOrigin: 'app://parley.evil' }],
    ['a subframe of our page', { frame: { url: `${APP}/x`, parent: {} } }],
    ['a frame that is gone', { frame: null }],
    ['a page asking for audio only', { videoRequested: false }],
  ])('when %s asks, then it gets nothing at once and no picker is shown', async (_name, over) => {
    const { request, getSources, sent } = setup();
    const answers = await request(over as Partial<DisplayMediaRequestLike>);
    expect(answers).toEqual([{}]);
    expect(getSources).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });

  it('when the asking frame belongs to a window that is not ours (a pop-out, a devtools page), then it is refused', async () => {
    const { request, getSources } = setup({ trusted: false });
    expect(await request()).toEqual([{}]);
    expect(getSources).not.toHaveBeenCalled();
  });

  it('on Windows, when the page asked for audio and the user wants it, then system audio (loopback) comes with the screen', async () => {
    const { picker, request, sent } = setup({ platform: 'win32' });
    const answers = await request();
    expect(sent[0]?.[1]).toMatchObject({ audioSupported: true });
    picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: true });
    expect(answers).toEqual([{ video: { id: 'screen:0:0', name: 'Entire Screen' }, audio: 'loopback' }]);
  });

  it('on Windows, when the user turns audio off or the page did not ask for it, then only video comes', async () => {
    const off = setup({ platform: 'win32' });
    const a = await off.request();
    off.picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: false });
    expect(a).toEqual([{ video: { id: 'screen:0:0', name: 'Entire Screen' } }]);
    const noAudio = setup({ platform: 'win32' });
    const b = await noAudio.request({ audioRequested: false });
    expect(noAudio.sent[0]?.[1]).toMatchObject({ audioSupported: false });
    noAudio.picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: true });
    expect(b).toEqual([{ video: { id: 'screen:0:0', name: 'Entire Screen' } }]);
  });

  it.each(['darwin', 'linux'] as const)('on %s, audio is not offered and never granted, even when asked', async (platform) => {
    const { picker, request, sent } = setup({ platform });
    const answers = await request();
    expect(sent[0]?.[1]).toMatchObject({ audioSupported: false });
    picker.choose({ requestId: 'req-1', sourceId: 'screen:0:0', audio: true });
    expect(answers).toEqual([{ video: { id: 'screen:0:0', name: 'Entire Screen' } }]);
  });

  it('when listing sources fails, then the request gets nothing', async () => {
    const { request } = setup({
      getSources: async () => {
        throw new Error('portal closed');
      },
    });
    expect(await request()).toEqual([{}]);
  });

  it('when the app quits with a picker open, then the request gets nothing and the page is told', async () => {
    const { picker, request, sent } = setup();
    const answers = await request();
    picker.dispose();
    expect(answers).toEqual([{}]);
    expect(sent.at(-1)).toEqual(['screen:pick-cancelled', { requestId: 'req-1' }]);
  });
});
