import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElectronApplication, Page } from 'playwright-core';
import { _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Brings in the `window.parley` declaration (types only).
import type {} from '../../src-shared/ipc/global';
import { findElectron, mainEntry, rootArgs } from './electron-app';
import type { Xvfb } from './xvfb';
import { startXvfb } from './xvfb';

/**
 * The real app in the real Electron: security invariants of the renderer, and push-to-talk reaching the renderer
 * over the bridge — from the global hook (xdotool under Xvfb) and from `parley --ptt=…` handed over by a second
 * instance. Skipped, with the reason printed, where the Electron binary is absent.
 */

const electron = findElectron();
const skipReason = electron.ok ? null : electron.reason;
if (skipReason) console.warn(`[tests/electron] SKIPPED: ${skipReason}`);

let xvfb: Xvfb | null = null;
let app: ElectronApplication | null = null;
let page: Page;
let userData = '';
const appOrigin = 'app://parley';

type StateLog = { transmitting: boolean; source: string }[];

describe(`Parley desktop app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    if (!electron.ok) return;
    userData = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PARLEY_USER_DATA: userData,
      PARLEY_LOG_LEVEL: 'warn',
    };
    if (process.platform === 'linux') {
      xvfb = await startXvfb();
      env.DISPLAY = xvfb.display;
      delete env.WAYLAND_DISPLAY;
    }
    app = await _electron.launch({ executablePath: electron.executable, args: [...rootArgs(), mainEntry], env });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    // Record push-to-talk events the way the renderer's platform layer would.
    await page.evaluate(() => {
      const w = window as unknown as { __ptt: StateLog };
      w.__ptt = [];
      window.parley?.ptt.onState((s) => w.__ptt.push({ transmitting: s.transmitting, source: s.source }));
    });
  }, 60_000);

  afterAll(async () => {
    // The app (and its X connection) must be gone before its X server.
    await app?.close().catch(() => {});
    await xvfb?.stop();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('when the renderer loads, then it runs at our origin with no Node: window.require and process are undefined', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    expect(new URL(page.url()).origin === appOrigin || page.url().startsWith(`${appOrigin}/`)).toBe(true);
    const globals = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      module: typeof (window as unknown as { module?: unknown }).module,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined' });
  });

  it('when the renderer inspects the bridge, then it finds domain functions only — no ipcRenderer, send or env', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const shape = await page.evaluate(() => {
      const bridge = window.parley as unknown as Record<string, Record<string, unknown>>;
      return Object.entries(bridge).flatMap(([d, members]) => Object.keys(members).map((k) => `${d}.${k}:${typeof members[k]}`));
    });
    expect(shape).toContain('settings.update:function');
    expect(shape).toContain('ptt.onState:function');
    expect(shape.every((s) => s.endsWith(':function'))).toBe(true);
    expect(shape.some((s) => /ipc|send|env/i.test(s))).toBe(false);
  });

  it('when the page tries to navigate to a foreign origin, then it stays on ours', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com/phish';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
  });

  it('when the page calls window.open, then no window is created', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(app!.windows()).toHaveLength(1);
  });

  it('when our page opens a pop-out, then one sandboxed window opens on about:blank without the bridge, and it cannot navigate', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const popupPromise = app!.waitForEvent('window');
    const opened = await page.evaluate(() => {
      const w = window.open('about:blank', 'parley-popout-e2e', 'popup,width=960,height=540');
      return { opened: w !== null, bridge: w ? typeof (w as unknown as { parley?: unknown }).parley : 'none' };
    });
    expect(opened).toEqual({ opened: true, bridge: 'undefined' });
    const popup = await popupPromise;
    expect(popup.url()).toBe('about:blank');
    expect(await popup.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    await popup.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await popup.waitForTimeout(500);
    expect(popup.url()).toBe('about:blank');
    // Any other name is still refused.
    expect(await page.evaluate(() => window.open('about:blank', 'other-name') === null)).toBe(true);
    await popup.close();
    expect(app!.windows()).toHaveLength(1);
  });

  it('when the page calls getDisplayMedia, then our picker lists screens and windows, and the one chosen by keyboard is shared', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    if (!xvfb) return ctx.skip('screen capture is exercised under Xvfb on Linux only');
    const shared = page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = stream.getVideoTracks()[0];
      const result = { live: track?.readyState === 'live', audio: stream.getAudioTracks().length };
      stream.getTracks().forEach((t) => t.stop());
      return result;
    });
    const dialog = page.getByRole('dialog', { name: 'Share your screen' });
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.getByRole('radio').count()).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await expect(shared).resolves.toEqual({ live: true, audio: 0 });

    // Escape cancels: getDisplayMedia is rejected and nothing is captured.
    const cancelled = page.evaluate(() =>
      navigator.mediaDevices.getDisplayMedia({ video: true }).then(
        () => 'shared',
        (error: unknown) => (error instanceof DOMException ? error.name : 'error'),
      ),
    );
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    expect(await cancelled).not.toBe('shared');
  });

  it('when our own page calls the bridge, then main answers with ok data', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const ok = await page.evaluate(async () => (await window.parley!.settings.get()).ok);
    expect(ok).toBe(true);
  });

  it('when the bound key is pressed while Parley is unfocused, then the renderer hears transmit on/off over the bridge', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    if (!xvfb) return ctx.skip('global hook path is exercised under Xvfb on Linux only');
    const applied = await page.evaluate(async () =>
      window.parley!.settings.update({
        ptt: { enabled: true, mode: 'hold', releaseDelayMs: 0, binding: { inputs: [{ type: 'key', code: 67 }], label: 'F9' } },
      }),
    );
    expect(applied.ok).toBe(true);
    await expect
      .poll(
        async () =>
          page.evaluate(async () => (await window.parley!.ptt.getDiagnostics()).ok && (await window.parley!.ptt.getDiagnostics())),
        { timeout: 10_000 },
      )
      .toMatchObject({ data: { status: 'active' } });
    await xvfb.xdotool('keydown', 'F9');
    await xvfb.xdotool('keyup', 'F9');
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            (window as unknown as { __ptt: StateLog }).__ptt.filter((s) => s.source === 'hook').map((s) => s.transmitting),
          ),
        { timeout: 10_000 },
      )
      .toEqual([true, false]);
  });

  it('when `parley --ptt=down` then `--ptt=up` are launched, then the running instance transmits and stops', async (ctx) => {
    if (skipReason || !electron.ok) return ctx.skip(skipReason ?? '');
    const env = { ...process.env, PARLEY_USER_DATA: userData, ...(xvfb ? { DISPLAY: xvfb.display } : {}) };
    for (const command of ['down', 'up']) {
      await new Promise<void>((resolvePromise, reject) => {
        const child = spawn(electron.executable, [...rootArgs(), mainEntry, `--ptt=${command}`], { env, stdio: 'ignore' });
        child.once('exit', () => resolvePromise());
        child.once('error', reject);
      });
    }
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            (window as unknown as { __ptt: StateLog }).__ptt.filter((s) => s.source === 'cli').map((s) => s.transmitting),
          ),
        { timeout: 10_000 },
      )
      .toEqual([true, false]);
  });
});
