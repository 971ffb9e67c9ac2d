import { describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '@shared/ipc/channels';
import { defaultSettings } from '@shared/ipc/settings';
import type { Log } from '../log';
import type { InvokeEventLike, IpcHandlers, IpcMainLike, WebContentsLike } from './register';
import { IpcError, createRendererEvents, createSenderCheck, registerIpc } from './register';

const APP = 'app://parley';
const OUR_WC = 7;

function recordingLog() {
  const warnings: Array<Record<string, unknown>> = [];
  const log: Log = {
    debug() {},
    info() {},
    warn: (o) => warnings.push(o as Record<string, unknown>),
    error: (o) => warnings.push(o as Record<string, unknown>),
    child: () => log,
  };
  return { log, warnings };
}

function setup(overrides: Partial<IpcHandlers> = {}) {
  const registered = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => registered.set(channel, listener),
    removeHandler: (channel) => registered.delete(channel),
  };
  const unavailable = () => {
    throw new IpcError('unavailable');
  };
  const handlers = Object.fromEntries(invokeChannels.map((c) => [c, unavailable])) as unknown as IpcHandlers;
  Object.assign(handlers, overrides);
  const { log, warnings } = recordingLog();
  const unregister = registerIpc({
    ipcMain,
    handlers,
    checkSender: createSenderCheck({ appOrigin: APP, trustedWebContentsIds: () => [OUR_WC] }),
    log,
  });
  const invoke = (channel: string, event: InvokeEventLike, ...args: unknown[]) => registered.get(channel)!(event, ...args);
  return { invoke, registered, warnings, unregister };
}

const ours: InvokeEventLike = { sender: { id: OUR_WC }, senderFrame: { url: `${APP}/index.html#/guilds`, parent: null } };

describe('IPC registration', () => {
  it('registers exactly one handler per contract channel, and removes them all', () => {
    const { registered, unregister } = setup();
    expect([...registered.keys()].sort()).toEqual([...invokeChannels].sort());
    unregister();
    expect(registered.size).toBe(0);
  });

  it('when our main frame asks, then the handler runs and the answer is wrapped as ok', async () => {
    const get = vi.fn(() => defaultSettings());
    const { invoke } = setup({ 'settings:get': get });
    await expect(invoke('settings:get', ours)).resolves.toEqual({ ok: true, data: defaultSettings() });
    expect(get).toHaveBeenCalledOnce();
  });

  it.each([
    ['a subframe of our window', { sender: { id: OUR_WC }, senderFrame: { url: `${APP}/x`, parent: {} } }, 'subframe'],
    [
      'our window navigated to a foreign origin',
      { sender: { id: OUR_WC }, senderFrame: { url: 'https://evil.example/', parent: null } },
      'foreign origin',
    ],
    ['a look-alike origin', { sender: { id: OUR_WC }, senderFrame: { url: 'app://parley.evil/', parent: null } }, 'foreign origin'],
    ['another webContents', { sender: { id: 99 }, senderFrame: { url: `${APP}/`, parent: null } }, 'foreign webContents'],
    ['a frame that is gone', { sender: { id: OUR_WC }, senderFrame: null }, 'frame gone'],
  ])('when %s sends, then it is refused with forbidden, logged, and the handler never runs', async (_name, event, reason) => {
    const get = vi.fn(() => defaultSettings());
    const { invoke, warnings } = setup({ 'settings:get': get });
    await expect(invoke('settings:get', event as InvokeEventLike)).resolves.toEqual({ ok: false, code: 'forbidden' });
    expect(get).not.toHaveBeenCalled();
    expect(warnings.at(-1)).toMatchObject({ channel: 'settings:get', reason });
  });

  it('when the arguments do not match the contract, then the answer is invalid-request and the handler never runs', async () => {
    const update = vi.fn(() => defaultSettings());
    const { invoke } = setup({ 'settings:update': update });
    await expect(invoke('settings:update', ours, { ptt: { releaseDelayMs: 2001 } })).resolves.toEqual({
      ok: false,
      code: 'invalid-request',
    });
    await expect(invoke('settings:update', ours, { window: { maximized: true } })).resolves.toEqual({ ok: false, code: 'invalid-request' });
    await expect(invoke('settings:update', ours, {}, 'extra')).resolves.toEqual({ ok: false, code: 'invalid-request' });
    expect(update).not.toHaveBeenCalled();
  });

  it('when the arguments match, then the handler receives the parsed request', async () => {
    const update = vi.fn(() => defaultSettings());
    const { invoke } = setup({ 'settings:update': update });
    await expect(invoke('settings:update', ours, { ptt: { releaseDelayMs: 500 } })).resolves.toMatchObject({ ok: true });
    expect(update).toHaveBeenCalledWith({ ptt: { releaseDelayMs: 500 } });
  });

  it('when a handler throws, then the bridge gets a code, never the error', async () => {
    const { invoke, warnings } = setup({
      'settings:get': () => {
        throw new Error('secret stack detail');
      },
    });
    const result = await invoke('settings:get', ours);
    expect(result).toEqual({ ok: false, code: 'internal' });
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(warnings.at(-1)).toMatchObject({ channel: 'settings:get' });
  });

  it('when a handler refuses with IpcError, then that code is returned', async () => {
    const { invoke } = setup();
    await expect(invoke('media:request-microphone-access', ours)).resolves.toEqual({ ok: false, code: 'unavailable' });
  });

  it('when a handler returns data outside the contract, then the renderer gets internal', async () => {
    const { invoke } = setup({ 'app:get-info': () => ({ version: 1 }) as never });
    await expect(invoke('app:get-info', ours)).resolves.toEqual({ ok: false, code: 'internal' });
  });
});

describe('renderer events', () => {
  function target(): WebContentsLike & { sent: Array<[string, unknown]> } {
    const sent: Array<[string, unknown]> = [];
    return { id: 1, sent, isDestroyed: () => false, send: (c, p) => sent.push([c, p]) };
  }

  it('when emitted before the renderer is ready, then events are queued and flushed in order on ready', () => {
    const t = target();
    const events = createRendererEvents({ targets: () => [t], log: recordingLog().log });
    events.emit('deeplink:open', { kind: 'invite', code: 'abcd1234' });
    events.emit('voice:command', { command: 'toggle-mute', source: 'tray' });
    expect(t.sent).toEqual([]);
    events.ready();
    expect(t.sent.map(([c]) => c)).toEqual(['deeplink:open', 'voice:command']);
  });

  it('when an event goes to one renderer, then it is validated, sent at once (not queued) and not to a destroyed one', () => {
    const t = target();
    const events = createRendererEvents({ targets: () => [], log: recordingLog().log });
    expect(events.sendTo(t, 'screen:pick-cancelled', { requestId: 'r1' })).toBe(true);
    expect(t.sent).toEqual([['screen:pick-cancelled', { requestId: 'r1' }]]);
    expect(events.sendTo(t, 'screen:pick-cancelled', { requestId: '' })).toBe(false);
    const gone = { ...target(), isDestroyed: () => true };
    expect(events.sendTo(gone, 'screen:pick-cancelled', { requestId: 'r1' })).toBe(false);
    expect(gone.sent).toEqual([]);
  });

  it('when a payload is outside the contract, then it is not sent', () => {
    const t = target();
    const { log, warnings } = recordingLog();
    const events = createRendererEvents({ targets: () => [t], log });
    events.ready();
    events.emit('deeplink:open', { kind: 'invite', code: '../../etc' });
    expect(t.sent).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});
