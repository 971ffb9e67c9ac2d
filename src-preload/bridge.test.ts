import { describe, expect, it } from 'vitest';
import { eventChannels, invokeChannels } from '@shared/ipc/channels';
import type { IpcRendererLike } from './bridge';
import { buildBridge } from './bridge';

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      invoked.push(args);
      if (args[0] === 'settings:get') throw new Error('No handler registered');
      return { ok: true, data: null };
    },
    on: (channel, l) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  const fire = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer would leak here' }, payload);
  };
  return { ipc, invoked, listeners, fire };
}

describe('preload bridge', () => {
  it('exposes exactly one function per invoke channel and one onX per event, grouped by domain, and nothing else', () => {
    const bridge = buildBridge(fakeIpc().ipc) as unknown as Record<string, Record<string, unknown>>;
    const members = Object.entries(bridge).flatMap(([d, m]) => Object.keys(m).map((k) => `${d}.${k}`));
    expect(members).toHaveLength(invokeChannels.length + eventChannels.length);
    expect(members).toEqual(
      expect.arrayContaining(['settings.update', 'ptt.startRebind', 'ptt.onState', 'deeplink.onOpen', 'media.getMicrophoneAccess']),
    );
    expect(members.some((m) => /send|ipc|env|invoke/i.test(m))).toBe(false);
    for (const m of Object.values(bridge)) for (const fn of Object.values(m)) expect(typeof fn).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.settings)).toBe(true);
  });

  it('when a method is called, then it invokes its own channel with only the request', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = buildBridge(ipc);
    await bridge.settings.update({ closeToTray: false });
    await bridge.ptt.getDiagnostics();
    expect(invoked).toEqual([['settings:update', { closeToTray: false }], ['ptt:get-diagnostics']]);
  });

  it('when the main process cannot answer, then the call resolves to a failure instead of throwing', async () => {
    const bridge = buildBridge(fakeIpc().ipc);
    await expect(bridge.settings.get()).resolves.toEqual({ ok: false, code: 'unavailable' });
  });

  it('when subscribed, then the callback gets only the payload, and unsubscribe removes exactly that listener', () => {
    const { ipc, fire, listeners } = fakeIpc();
    const bridge = buildBridge(ipc);
    const got: unknown[] = [];
    const off = bridge.ptt.onState((s) => got.push(s));
    fire('ptt:state', { transmitting: true });
    expect(got).toEqual([{ transmitting: true }]);
    off();
    off();
    fire('ptt:state', { transmitting: false });
    expect(got).toHaveLength(1);
    expect(listeners.get('ptt:state')?.size).toBe(0);
  });
});
