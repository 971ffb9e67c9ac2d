import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainEntry, root } from './electron-app';
import type { Xvfb } from './xvfb';
import { startXvfb } from './xvfb';

/**
 * The BUILT main process (out/main/index.js, exactly what ships) running under plain Node with a fake `electron`
 * module (tests/electron/fake-electron) — because the Electron binary is not available here. Everything else is
 * real: zod contract, settings file on disk, permission table, IPC sender checks, and the uiohook global hook under
 * our own Xvfb, driven by xdotool. What this cannot show (the real renderer, sandbox, CSP enforcement) is covered
 * by desktop-app.test.ts wherever Electron is installed.
 */

type Message = { type: string; [key: string]: unknown };

const missingBuild = existsSync(mainEntry) ? null : 'out/main/index.js missing: run `npx electron-vite build` first';
if (missingBuild) console.warn(`[tests/electron] SKIPPED: ${missingBuild}`);

let xvfb: Xvfb;
let child: ChildProcess;
let userData: string;
const messages: Message[] = [];
let nextId = 1;

function request(command: Record<string, unknown>): Promise<unknown> {
  const id = nextId++;
  child.send({ ...command, id });
  return waitFor((m) => m.type === 'reply' && m.id === id).then((m) => {
    if (m.error) throw new Error(String(m.error));
    return m.result;
  });
}

async function waitFor(predicate: (m: Message) => boolean, timeoutMs = 10_000, from = 0): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = messages.slice(from).find(predicate);
    if (found) return found;
    if (child.exitCode !== null) throw new Error(`main process exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`timed out; last messages: ${JSON.stringify(messages.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sent = (channel: string, from = 0): Message[] => messages.slice(from).filter((m) => m.type === 'send' && m.channel === channel);
const ours = { url: 'app://parley/index.html', parent: null };

function testEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PARLEY_USER_DATA: userData,
    PARLEY_LOG_LEVEL: 'silent',
    DISPLAY: xvfb.display,
    XDG_SESSION_TYPE: 'x11',
  };
  delete env.WAYLAND_DISPLAY;
  delete env.ELECTRON_RENDERER_URL;
  return env;
}

describe.skipIf(missingBuild)('built main process (fake electron, real hook under Xvfb)', () => {
  beforeAll(async () => {
    xvfb = await startXvfb();
    userData = mkdtempSync(join(tmpdir(), 'parley-main-'));
    // A corrupt settings file: startup must survive it, back it up and tell the renderer.
    writeFileSync(join(userData, 'settings.json'), '{ "closeToTray": tru');
    child = fork(mainEntry, [], {
      cwd: root,
      execArgv: ['--import', resolve(import.meta.dirname, 'fake-electron/register.mjs')],
      env: testEnv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.on('message', (m) => messages.push(m as Message));
    await waitFor((m) => m.type === 'load-url');
  }, 60_000);

  afterAll(async () => {
    // The hook's process must end before its X server.
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'exit' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await xvfb?.stop();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('when started, then it registers app:// as privileged and loads the renderer from it in a sandboxed, isolated window', () => {
    expect(messages.some((m) => m.type === 'sandbox-enabled')).toBe(true);
    const schemes = messages.find((m) => m.type === 'privileged-schemes')?.schemes;
    expect(schemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    const window = messages.find((m) => m.type === 'window-created')?.options as { webPreferences: Record<string, unknown> };
    expect(window.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    expect(String(window.webPreferences.preload)).toMatch(/out[/\\]preload[/\\]index\.cjs$/);
    expect(messages.find((m) => m.type === 'load-url')?.url).toBe('app://parley/index.html');
    expect(messages.find((m) => m.type === 'tray-created')?.image).toMatch(/tray-idle\.png$/);
  });

  it('when the settings file was corrupt, then it was backed up and the renderer gets a settings-reset notice once loaded', async () => {
    const notice = await waitFor((m) => m.type === 'send' && m.channel === 'app:notice');
    expect(notice.payload).toMatchObject({ code: 'settings-reset' });
    expect(readdirSync(userData).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
  });

  it('when our main frame invokes, then it gets ok data; a foreign origin or subframe gets forbidden; bad input gets invalid-request', async () => {
    await expect(request({ cmd: 'invoke', channel: 'settings:get', frame: ours })).resolves.toMatchObject({
      ok: true,
      data: { version: 1 },
    });
    await expect(
      request({ cmd: 'invoke', channel: 'settings:get', frame: { url: 'https://evil.example/', parent: null } }),
    ).resolves.toEqual({ ok: false, code: 'forbidden' });
    await expect(request({ cmd: 'invoke', channel: 'settings:get', frame: { ...ours, parent: {} } })).resolves.toEqual({
      ok: false,
      code: 'forbidden',
    });
    await expect(request({ cmd: 'invoke', channel: 'settings:get', frame: ours, senderId: 999 })).resolves.toEqual({
      ok: false,
      code: 'forbidden',
    });
    await expect(
      request({ cmd: 'invoke', channel: 'settings:update', frame: ours, args: [{ ptt: { releaseDelayMs: -1 } }] }),
    ).resolves.toEqual({ ok: false, code: 'invalid-request' });
  });

  it('when the page navigates away or opens a window, then navigation is blocked and window-open denied', async () => {
    await expect(request({ cmd: 'navigate', url: 'https://evil.example/' })).resolves.toEqual({ blocked: true, open: { action: 'deny' } });
    await expect(request({ cmd: 'navigate', url: 'app://parley/index.html#/settings' })).resolves.toMatchObject({ blocked: false });
  });

  it('when the renderer is fetched from app://, then it comes from out/renderer with the CSP header, and escapes 404', async () => {
    const page = (await request({ cmd: 'fetch-app', url: 'app://parley/index.html' })) as { status: number; csp: string; body: string };
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.csp).toContain("script-src 'self'");
    expect(page.csp).toContain("object-src 'none'");
    const escape = (await request({ cmd: 'fetch-app', url: 'app://parley/..%2f..%2fpackage.json' })) as { status: number };
    expect(escape.status).toBe(404);
  });

  it('when pages ask for permissions, then only the microphone, camera and screen capture for our origin are granted', async () => {
    await expect(request({ cmd: 'permission', permission: 'media', url: 'app://parley/index.html', mediaTypes: ['audio'] })).resolves.toBe(
      true,
    );
    await expect(
      request({ cmd: 'permission', permission: 'media', url: 'app://parley/index.html', mediaTypes: ['audio', 'video'] }),
    ).resolves.toBe(true);
    await expect(request({ cmd: 'permission', permission: 'media', url: 'https://evil.example/', mediaTypes: ['video'] })).resolves.toBe(
      false,
    );
    await expect(request({ cmd: 'permission', permission: 'display-capture', url: 'app://parley/index.html' })).resolves.toBe(true);
    await expect(request({ cmd: 'permission', permission: 'media', url: 'https://evil.example/', mediaTypes: ['audio'] })).resolves.toBe(
      false,
    );
    await expect(request({ cmd: 'permission', permission: 'geolocation', url: 'app://parley/index.html' })).resolves.toBe(false);
  });

  it('when our page asks to share its screen, then the sources reach it over screen:pick-source and its choice is what getDisplayMedia gets', async () => {
    expect(messages.find((m) => m.type === 'display-media-handler')).toMatchObject({ installed: true, opts: { useSystemPicker: false } });
    const from = messages.length;
    await request({ cmd: 'display-media', frame: ours, tag: 'mine' });
    const shown = await waitFor((m) => m.type === 'send' && m.channel === 'screen:pick-source', 10_000, from);
    const payload = shown.payload as {
      requestId: string;
      audioSupported: boolean;
      sources: Array<{ id: string; kind: string; thumbnail: string }>;
    };
    expect(payload.sources.map((s) => [s.id, s.kind])).toEqual([
      ['screen:0:0', 'screen'],
      ['window:77:0', 'window'],
    ]);
    expect(payload.sources[0]?.thumbnail).toBe('data:image/jpeg;base64,AQID');
    // Linux: no system audio with the screen.
    expect(payload.audioSupported).toBe(false);
    const chosen = await request({
      cmd: 'invoke',
      channel: 'screen:choose-source',
      frame: ours,
      args: [{ requestId: payload.requestId, sourceId: 'window:77:0', audio: true }],
    });
    expect(chosen).toEqual({ ok: true, data: { accepted: true } });
    expect((await waitFor((m) => m.type === 'display-media-answer' && m.tag === 'mine', 10_000, from)).streams).toEqual({
      video: { id: 'window:77:0', name: 'Editor' },
    });

    // Cancel: nothing is shared.
    const from2 = messages.length;
    await request({ cmd: 'display-media', frame: ours, tag: 'cancel' });
    const again = await waitFor((m) => m.type === 'send' && m.channel === 'screen:pick-source', 10_000, from2);
    const requestId = (again.payload as { requestId: string }).requestId;
    await request({ cmd: 'invoke', channel: 'screen:choose-source', frame: ours, args: [{ requestId, sourceId: null, audio: false }] });
    expect((await waitFor((m) => m.type === 'display-media-answer' && m.tag === 'cancel', 10_000, from2)).streams).toEqual({});
  });

  it('when a foreign page or another window asks to share a screen, then it gets nothing and no picker is shown', async () => {
    const from = messages.length;
    await request({ cmd: 'display-media', frame: { url: 'https://evil.example/', parent: null }, tag: 'evil' });
    await request({ cmd: 'display-media', frame: { ...ours, foreign: true }, tag: 'other-window' });
    expect((await waitFor((m) => m.type === 'display-media-answer' && m.tag === 'evil', 10_000, from)).streams).toEqual({});
    expect((await waitFor((m) => m.type === 'display-media-answer' && m.tag === 'other-window', 10_000, from)).streams).toEqual({});
    expect(sent('screen:pick-source', from)).toEqual([]);
  });

  it('when push-to-talk is enabled over IPC and the bound key is pressed in another X client, then ptt:state reaches the renderer on and off', async () => {
    const from = messages.length;
    const updated = await request({
      cmd: 'invoke',
      channel: 'settings:update',
      frame: ours,
      args: [{ ptt: { enabled: true, releaseDelayMs: 0, binding: { inputs: [{ type: 'key', code: 67 }], label: 'F9' } } }],
    });
    expect(updated).toMatchObject({ ok: true, data: { ptt: { enabled: true } } });
    await waitFor(
      (m) => m.type === 'send' && m.channel === 'ptt:diagnostics' && (m.payload as { status: string }).status === 'active',
      10_000,
      from,
    );
    await xvfb.xdotool('keydown', 'F9');
    await waitFor((m) => m.type === 'send' && m.channel === 'ptt:state', 10_000, from);
    await xvfb.xdotool('keyup', 'F9');
    await waitFor(() => sent('ptt:state', from).length >= 2, 10_000, from);
    expect(
      sent('ptt:state', from).map((m) => [(m.payload as { transmitting: boolean }).transmitting, (m.payload as { source: string }).source]),
    ).toEqual([
      [true, 'hook'],
      [false, 'hook'],
    ]);
    const diagnostics = await request({ cmd: 'invoke', channel: 'ptt:get-diagnostics', frame: ours });
    expect(diagnostics).toMatchObject({ ok: true, data: { backend: 'uiohook', status: 'active', transmitting: false } });
  });

  it('when the screen locks while transmitting, then transmission is released', async () => {
    const from = messages.length;
    await xvfb.xdotool('keydown', 'F9');
    await waitFor(() => sent('ptt:state', from).length >= 1, 10_000, from);
    await request({ cmd: 'power', event: 'lock-screen' });
    await waitFor(() => sent('ptt:state', from).length >= 2, 10_000, from);
    expect(sent('ptt:state', from)[1]?.payload).toMatchObject({ transmitting: false, reason: 'lock-screen' });
    await xvfb.xdotool('keyup', 'F9');
  });

  it('when a second instance is launched with --ptt=toggle, then the running instance toggles without showing its window', async () => {
    const from = messages.length;
    await request({ cmd: 'second-instance', argv: ['parley', '--ptt=toggle'] });
    await waitFor(() => sent('ptt:state', from).length >= 1, 10_000, from);
    expect(sent('ptt:state', from)[0]?.payload).toMatchObject({ transmitting: true, source: 'cli', reason: 'toggle' });
    await request({ cmd: 'second-instance', argv: ['parley', '--ptt=toggle'] });
    await waitFor(() => sent('ptt:state', from).length >= 2, 10_000, from);
    expect(messages.slice(from).some((m) => m.type === 'window-shown')).toBe(false);
  });

  it('when a second instance is launched with an invite link, then the window is shown and the invite routed to the renderer', async () => {
    const from = messages.length;
    await request({ cmd: 'second-instance', argv: ['parley', 'parley://invite/abcd1234'] });
    expect(sent('deeplink:open', from).map((m) => m.payload)).toEqual([{ kind: 'invite', code: 'abcd1234' }]);
    expect(messages.slice(from).some((m) => m.type === 'window-shown')).toBe(true);
  });

  it('when the renderer reports muted in voice, then the tray shows it and the tray menu sends commands back', async () => {
    const from = messages.length;
    await request({
      cmd: 'invoke',
      channel: 'voice:report-state',
      frame: ours,
      args: [{ connected: true, muted: true, deafened: false, speaking: false, channelName: 'General' }],
    });
    await waitFor((m) => m.type === 'tray-image' && String(m.image).endsWith('tray-muted.png'), 5000, from);
    await expect(request({ cmd: 'tray-menu', item: 'mute' })).resolves.toEqual({ enabled: true, checked: true });
    expect(sent('voice:command', from).map((m) => m.payload)).toEqual([{ command: 'toggle-mute', source: 'tray' }]);
  });

  it('when quitting while in voice, then the renderer is asked to disconnect first, and the quit completes once it has', async () => {
    const from = messages.length;
    await request({ cmd: 'quit' });
    expect(sent('voice:command', from).map((m) => m.payload)).toEqual([{ command: 'disconnect', source: 'quit' }]);
    expect(messages.slice(from).some((m) => m.type === 'will-quit')).toBe(false);
    await request({
      cmd: 'invoke',
      channel: 'voice:report-state',
      frame: ours,
      args: [{ connected: false, muted: false, deafened: false, speaking: false, channelName: null }],
    });
    await waitFor((m) => m.type === 'will-quit', 5000, from);
  });
});

describe.skipIf(missingBuild)('built main process, launched with --ptt while no instance runs', () => {
  it('when `parley --ptt=down` finds no running instance, then it quits without opening a window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_USER_DATA: dir, PARLEY_LOG_LEVEL: 'silent' };
    delete env.ELECTRON_RENDERER_URL;
    const seen: Message[] = [];
    const lone = fork(mainEntry, ['--ptt=down'], {
      cwd: root,
      execArgv: ['--import', resolve(import.meta.dirname, 'fake-electron/register.mjs')],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    lone.on('message', (m) => seen.push(m as Message));
    const deadline = Date.now() + 10_000;
    while (!seen.some((m) => m.type === 'app-quit') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    lone.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    expect(seen.some((m) => m.type === 'app-quit')).toBe(true);
    expect(seen.some((m) => m.type === 'window-created' || m.type === 'tray-created')).toBe(false);
  });
});

describe.skipIf(missingBuild)('built main process on Wayland without XWayland', () => {
  let wayland: ChildProcess;
  let dir: string;
  const seen: Message[] = [];
  let id = 1000;

  async function until(predicate: (m: Message) => boolean, from = 0): Promise<Message> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = seen.slice(from).find(predicate);
      if (found) return found;
      if (wayland.exitCode !== null) throw new Error(`main process exited (${wayland.exitCode}) — did the hook abort it?`);
      if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(seen.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  async function ask(command: Record<string, unknown>): Promise<unknown> {
    const myId = id++;
    wayland.send({ ...command, id: myId });
    return (await until((m) => m.type === 'reply' && m.id === myId)).result;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-wayland-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PARLEY_USER_DATA: dir,
      PARLEY_LOG_LEVEL: 'silent',
      XDG_SESSION_TYPE: 'wayland',
      WAYLAND_DISPLAY: 'wayland-0',
    };
    delete env.DISPLAY;
    delete env.ELECTRON_RENDERER_URL;
    wayland = fork(mainEntry, [], {
      cwd: root,
      execArgv: ['--import', resolve(import.meta.dirname, 'fake-electron/register.mjs')],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    wayland.on('message', (m) => seen.push(m as Message));
    await until((m) => m.type === 'load-url');
  }, 30_000);

  afterAll(() => {
    wayland?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when push-to-talk is turned on, then the user is told why the hook cannot work and how to bind --ptt, and --ptt drives transmission', async () => {
    const from = seen.length;
    await ask({
      cmd: 'invoke',
      channel: 'settings:update',
      frame: ours,
      args: [{ ptt: { enabled: true, binding: { inputs: [{ type: 'key', code: 67 }], label: 'F9' } } }],
    });
    const notice = await until((m) => m.type === 'send' && m.channel === 'app:notice', from);
    expect(notice.payload).toMatchObject({ code: 'ptt-hook-unavailable' });
    expect(String((notice.payload as { hint: string }).hint)).toContain('--ptt=down');
    const diagnostics = await ask({ cmd: 'invoke', channel: 'ptt:get-diagnostics', frame: ours });
    expect(diagnostics).toMatchObject({ ok: true, data: { backend: 'cli', status: 'unavailable', problem: 'wayland-no-xwayland' } });

    await ask({ cmd: 'second-instance', argv: ['parley', '--ptt=down'] });
    await ask({ cmd: 'second-instance', argv: ['parley', '--ptt=up'] });
    await until(
      (m) => m.type === 'send' && m.channel === 'ptt:state' && (m.payload as { transmitting: boolean }).transmitting === false,
      from,
    );
    const states = seen
      .slice(from)
      .filter((m) => m.type === 'send' && m.channel === 'ptt:state')
      .map((m) => m.payload as { transmitting: boolean; source: string });
    expect(states.map((s) => [s.transmitting, s.source])).toEqual([
      [true, 'cli'],
      [false, 'cli'],
    ]);
  });
});
