import type { z } from 'zod';
import type { EventChannel, InvokeChannel } from '@shared/ipc/channels';
import { eventChannels, invokeChannels } from '@shared/ipc/channels';
import type { EventPayload, InvokeResponse, IpcErrorCode, IpcResult } from '@shared/ipc/contract';
import { eventContract, invokeContract } from '@shared/ipc/contract';
import type { Log } from '../log';
import { originOf } from '../windows/origin';

/**
 * The only place IPC handlers are registered. Every message: (1) the sender must be our window's main frame at our
 * origin, (2) the arguments must parse against the contract, (3) the handler's result must parse against the
 * contract too. Every outcome is `{ ok: true, data } | { ok: false, code }`: nothing throws across the bridge.
 */

/** Structural slices of Electron's IpcMainInvokeEvent / IpcMain / WebContents, so tests can pass plain fakes. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}
export interface WebContentsLike {
  id: number;
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** Handlers return data or throw IpcError(code) for an expected refusal; anything else becomes 'internal'. */
export class IpcError extends Error {
  constructor(readonly code: IpcErrorCode) {
    super(code);
  }
}

type RequestOf<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['request']>;
export type IpcHandlers = {
  [C in InvokeChannel]: (request: RequestOf<C>) => Promise<InvokeResponse<C>> | InvokeResponse<C>;
};

/** The sender check: our window (by webContents id), its top frame (no iframes), at our origin (by URL.origin). */
export function createSenderCheck(deps: { appOrigin: string; trustedWebContentsIds: () => readonly number[] }) {
  return (event: InvokeEventLike): { ok: true } | { ok: false; reason: string } => {
    const frame = event.senderFrame;
    if (!frame) return { ok: false, reason: 'frame gone' };
    if (!deps.trustedWebContentsIds().includes(event.sender.id)) return { ok: false, reason: 'foreign webContents' };
    if (frame.parent !== null) return { ok: false, reason: 'subframe' };
    if (originOf(frame.url) !== deps.appOrigin) return { ok: false, reason: 'foreign origin' };
    return { ok: true };
  };
}

export function registerIpc(deps: {
  ipcMain: IpcMainLike;
  handlers: IpcHandlers;
  checkSender: ReturnType<typeof createSenderCheck>;
  log: Log;
}): () => void {
  const { ipcMain, log } = deps;
  for (const channel of invokeChannels) {
    const { request: requestSchema, response: responseSchema } = invokeContract[channel];
    const handler = deps.handlers[channel] as (request: unknown) => unknown;
    ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<unknown>> => {
      const sender = deps.checkSender(event);
      if (!sender.ok) {
        log.warn({ channel, reason: sender.reason, url: event.senderFrame?.url ?? null }, 'ipc refused: untrusted sender');
        return { ok: false, code: 'forbidden' };
      }
      const parsed = args.length <= 1 ? requestSchema.safeParse(args[0]) : null;
      if (!parsed?.success) {
        log.warn(
          { channel, issues: parsed?.error.issues.map((i) => i.path.join('.')) ?? ['too many arguments'] },
          'ipc refused: invalid request',
        );
        return { ok: false, code: 'invalid-request' };
      }
      try {
        const data = await handler(parsed.data);
        const checked = responseSchema.safeParse(data);
        if (!checked.success) {
          log.error({ channel, issues: checked.error.issues }, 'ipc handler returned data outside the contract');
          return { ok: false, code: 'internal' };
        }
        return { ok: true, data: checked.data };
      } catch (error) {
        if (error instanceof IpcError) return { ok: false, code: error.code };
        log.error({ channel, err: error instanceof Error ? error.stack : String(error) }, 'ipc handler failed');
        return { ok: false, code: 'internal' };
      }
    });
  }
  return () => {
    for (const channel of invokeChannels) ipcMain.removeHandler(channel);
  };
}

/**
 * main → renderer events, validated against the contract. Events emitted before the renderer has loaded are
 * queued (bounded) and flushed by `ready()`, so a notice raised during startup (e.g. settings reset) is not lost.
 */
export interface RendererEvents {
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  /**
   * One event to one renderer (the page that asked, e.g. for a screen picker), validated like emit, never queued: that
   * page has loaded, since it asked. False when refused or the target is gone.
   */
  sendTo<E extends EventChannel>(target: WebContentsLike, channel: E, payload: EventPayload<E>): boolean;
  ready(): void;
  notReady(): void;
}

export function createRendererEvents(deps: { targets: () => readonly WebContentsLike[]; log: Log; maxQueued?: number }): RendererEvents {
  const max = deps.maxQueued ?? 100;
  let isReady = false;
  const queue: Array<[EventChannel, unknown]> = [];
  const known = new Set<string>(eventChannels);

  function send(channel: EventChannel, payload: unknown): void {
    for (const target of deps.targets()) if (!target.isDestroyed()) target.send(channel, payload);
  }

  function validated(channel: EventChannel, payload: unknown): { ok: true; data: unknown } | { ok: false } {
    if (!known.has(channel)) throw new Error(`unknown event channel ${channel}`);
    const parsed = eventContract[channel].safeParse(payload);
    if (!parsed.success) {
      deps.log.error({ channel, issues: parsed.error.issues }, 'refusing to emit an event outside the contract');
      return { ok: false };
    }
    return { ok: true, data: parsed.data };
  }

  return {
    sendTo(target, channel, payload) {
      const parsed = validated(channel, payload);
      if (!parsed.ok || target.isDestroyed()) return false;
      target.send(channel, parsed.data);
      return true;
    },
    emit(channel, payload) {
      const parsed = validated(channel, payload);
      if (!parsed.ok) return;
      if (!isReady) {
        if (queue.length >= max) queue.shift();
        queue.push([channel, parsed.data]);
        return;
      }
      send(channel, parsed.data);
    },
    ready() {
      isReady = true;
      for (const [channel, payload] of queue.splice(0)) send(channel, payload);
    },
    notReady() {
      isReady = false;
    },
  };
}
