import type { NetConnectOpts } from 'node:net';
import { connect } from 'node:net';
import { parseX11Display } from './hook-support';

/**
 * True when something accepts connections where DISPLAY points. libuiohook aborts the process if XOpenDisplay
 * fails, so we check reachability ourselves first: the filesystem socket, then Linux's abstract socket, or TCP.
 */
export async function canReachX11(display: string, timeoutMs = 1000): Promise<boolean> {
  const target = parseX11Display(display);
  if (!target) return false;
  const attempts =
    target.kind === 'local'
      ? [{ path: `/tmp/.X11-unix/X${target.number}` }, { path: `\0/tmp/.X11-unix/X${target.number}` }]
      : [{ host: target.host, port: target.port }];
  for (const options of attempts) {
    if (await tryConnect(options, timeoutMs)) return true;
  }
  return false;
}

function tryConnect(options: NetConnectOpts, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(options);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
