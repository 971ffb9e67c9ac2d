/**
 * Shared setup of the browser E2E tests and the client benchmark: a fresh web build, the real server in-process on the
 * test API port (so LiveKit's webhooks reach it), and Debian's Chromium with fake media devices.
 */
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished, TestRunner } from 'vitest';
import { ensureWebBuild } from '../support/builds';
import { parseConfig } from '../../server/src/config';
import { createMetrics } from '../../server/src/metrics/metrics';
import { start, type RunningServer } from '../../server/src/server';
import { testEnv, testServerEnv } from '../support/env';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Where the E2E tests write screenshots: the README's pictures with PARLEY_UPDATE_SCREENSHOTS=1, else a scratch folder. */
export const SHOTS = resolve(ROOT, process.env.PARLEY_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.stack/screenshots');
export const WEB_DIR = resolve(ROOT, 'out/web');

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export { ensureWebBuild };

function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Waits for the webhook port to be free: on a shared dev machine another test file's in-process server may hold it
 * for a while (CI runs test files one after another, so there this returns at once).
 */
export async function waitForFreePort(port: number, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (await portInUse(port)) {
    if (Date.now() > end) throw new Error(`port ${port} is still in use after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `extraEnv`: extra server config keys for this file (e.g. a test-only allowance); they win over the defaults. */
export async function startWebServer(port?: number, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const env = testEnv();
  await waitForFreePort(port ?? env.apiPort);
  const config = parseConfig({
    ...testServerEnv('parley_e2e'),
    HOST: '127.0.0.1',
    PORT: String(port ?? env.apiPort),
    LOG_LEVEL: 'warn',
    WEB_DIR,
    // Two browsers register and log in from one IP within a minute.
    AUTH_RATE_LIMIT_PER_IP: '1000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '1000',
    // Scripted browsers write faster than people (the write budgets' defaults are tested in rate-limits.test.ts).
    RATE_LIMITS: '*=100000/60',
    ...extraEnv,
  });
  // No process metrics: their observers outlive the server, and the e2e files share one worker (vitest.config.ts).
  return start(config, { metrics: createMetrics({ defaultMetrics: false }) });
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

/**
 * Page init script: keeps every remote audio track the page receives (`__remoteAudio`) and every peer connection
 * (`__pcs`, for inbound-rtp counters), so a test can measure what actually arrives (the app itself never exposes its
 * LiveKit objects).
 */
export const CAPTURE_REMOTE_AUDIO = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__remoteAudio = [];
  window.__pcs = [];
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      this.addEventListener('track', (e) => { if (e.track.kind === 'audio') window.__remoteAudio.push(e.track); });
    }
  };
})();`;

/**
 * Bytes received so far by each inbound audio stream of the page's open peer connections (kept by an init script as
 * `__pcs`, as CAPTURE_REMOTE_AUDIO does), and whether it is a microphone (a track of one of CallAudio's microphone
 * elements).
 */
export const inboundAudio = (page: Page) =>
  page.evaluate(async () => {
    const mics = new Set<string>();
    for (const el of document.querySelectorAll<HTMLAudioElement>('audio[data-source="microphone"]')) {
      for (const track of (el.srcObject as MediaStream | null)?.getAudioTracks() ?? []) mics.add(track.id);
    }
    const byTrack: Record<string, { mic: boolean; bytes: number }> = {};
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach(
        (s: { type?: string; kind?: string; id?: string; trackIdentifier?: string; bytesReceived?: number }) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          byTrack[s.id ?? ''] = { mic: mics.has(s.trackIdentifier ?? ''), bytes: s.bytesReceived ?? 0 };
        },
      );
    }
    return byTrack;
  });

/**
 * Init script: getUserMedia refuses a microphone until `window.__plugInMicrophone()`; the camera and everything else
 * as usual. With `unlisted`, enumerateDevices lists no audio input until then either, and plugging in fires
 * devicechange, as a headset plugged in does; without it the browser lists a microphone all along and says nothing
 * when it becomes usable.
 */
export const noMicrophone = ({ unlisted }: { unlisted: boolean }) => `(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  const enumerate = md.enumerateDevices.bind(md);
  let plugged = false;
  window.__plugInMicrophone = () => {
    plugged = true;
    if (${unlisted}) md.dispatchEvent(new Event('devicechange'));
  };
  md.getUserMedia = (constraints) =>
    constraints && constraints.audio && !plugged
      ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
      : real(constraints);
  if (${unlisted})
    md.enumerateDevices = async () => (await enumerate()).filter((d) => plugged || d.kind !== 'audioinput');
})();`;

/** Peak RMS (0…1) over `ms` of all live remote audio tracks of the page, measured with WebAudio analysers. */
export const MEASURE_REMOTE_LEVEL = async (ms: number): Promise<number> => {
  const w = window as unknown as { __remoteAudio?: MediaStreamTrack[] };
  const tracks = (w.__remoteAudio ?? []).filter((t) => t.readyState === 'live');
  const ctx = new AudioContext();
  await ctx.resume();
  const analysers = tracks.map((t) => {
    const src = ctx.createMediaStreamSource(new MediaStream([t]));
    const an = ctx.createAnalyser();
    an.fftSize = 2048;
    src.connect(an);
    return an;
  });
  const buf = new Float32Array(2048);
  let peak = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (const an of analysers) {
      an.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      peak = Math.max(peak, Math.sqrt(sum / buf.length));
    }
    await new Promise((r) => setTimeout(r, 40));
  }
  await ctx.close();
  return peak;
};

export interface BrowserSession {
  /** The server started for this file (valid from the file's first beforeAll on). */
  readonly server: RunningServer;
  /**
   * A browser context (1280×760 unless `options` say otherwise). One opened in a test closes when that test finishes
   * (after the test's own onTestFinished callbacks); one opened in a hook (beforeAll: pages the file's tests share)
   * closes with the session.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * One E2E file's session, set up by hooks registered where this is called (before the file's own): a fresh web build,
 * the real server on the test API port, and Chromium (with `chromiumArgs` after the usual flags; a repeated switch takes
 * the last value); afterwards every context still open, the browser and the server close.
 */
export function useBrowserSession(
  options: { serverEnv?: () => Promise<Record<string, string>>; chromiumArgs?: string[] } = {},
): BrowserSession {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    ensureWebBuild();
    server = await startWebServer(undefined, (await options.serverEnv?.()) ?? {});
    browser = await launchChromium(options.chromiumArgs);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the browser session has not started (use it inside tests or hooks)');
      return server;
    },
    async newContext(options) {
      if (!browser) throw new Error('the browser session has not started (use it inside tests or hooks)');
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 760 }, ...options });
      contexts.push(ctx);
      // A finished test's pages would stay signed in, in voice, capturing and decoding media, and slow every test
      // after them on these two cores (video.test.ts's third test took 74 s beside the first test's two pages).
      if (TestRunner.getCurrentTest()) onTestFinished(() => ctx.close().catch(() => undefined));
      return ctx;
    },
  };
}
