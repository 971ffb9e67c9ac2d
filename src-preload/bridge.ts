import type { EventChannel, InvokeChannel } from '@shared/ipc/channels';
import { eventChannels, invokeChannels, listenerPath, methodPath } from '@shared/ipc/channels';
import type { IpcResult, ParleyBridge } from '@shared/ipc/contract';

/**
 * Builds `window.parley` from the contract's channel lists: one async function per invoke channel and one
 * `onX(cb) → unsubscribe` per event, grouped by domain, frozen. The renderer never sees ipcRenderer, the IPC event
 * object (whose `sender` IS ipcRenderer), a generic send, or process.env.
 */

/** The slice of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function buildBridge(ipc: IpcRendererLike): ParleyBridge {
  const domains = new Map<string, Record<string, unknown>>();
  const domain = (name: string): Record<string, unknown> => {
    let d = domains.get(name);
    if (!d) {
      d = {};
      domains.set(name, d);
    }
    return d;
  };

  for (const channel of invokeChannels as readonly InvokeChannel[]) {
    const [d, method] = methodPath(channel);
    // Only the first argument crosses; main answers with an IpcResult and we never reject either.
    domain(d)[method] = (request?: unknown): Promise<IpcResult<unknown>> =>
      (request === undefined ? ipc.invoke(channel) : ipc.invoke(channel, request)).then(
        (result) => result as IpcResult<unknown>,
        () => ({ ok: false, code: 'unavailable' }) as const,
      );
  }

  for (const channel of eventChannels as readonly EventChannel[]) {
    const [d, method] = listenerPath(channel);
    domain(d)[method] = (callback: (payload: unknown) => void): (() => void) => {
      if (typeof callback !== 'function') throw new TypeError(`${d}.${method} needs a function`);
      const listener = (_event: unknown, payload: unknown): void => callback(payload);
      ipc.on(channel, listener);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, listener);
      };
    };
  }

  const bridge: Record<string, unknown> = {};
  for (const [name, members] of domains) bridge[name] = Object.freeze(members);
  return Object.freeze(bridge) as unknown as ParleyBridge;
}
