import { io, type Socket } from 'socket.io-client';
import type { ServerEventName, ServerEventPayload } from '@shared/api/gateway';
import { GATEWAY_PATH } from '@shared/api/route-table';

export type GatewayHandlers = { [E in ServerEventName]?: (payload: ServerEventPayload<E>) => void };

export type GatewayStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface GatewayClient {
  /** Swap in a fresh access token (after a REST refresh) so the session outlives the first token. */
  refreshToken(token: string): void;
  /** This session's activity (idle after inactivity); sent again after every reconnection. */
  setPresence(status: 'online' | 'idle'): void;
  close(): void;
}

export interface GatewayOptions {
  serverUrl: string;
  token: () => string | null;
  /** Fresh access token after the server said ours expired; null ends the session. */
  renewToken: () => Promise<string | null>;
  handlers: GatewayHandlers;
  onStatus(status: GatewayStatus): void;
  /** The connection dropped: the caller notes what it had. */
  onDisconnected(): void;
  /** Every connection after the first: the caller fetches what it missed. */
  onReconnected(): void;
  /** The server closed this session for good (logged out from another device): sign out and show `message`. */
  onRevoked(message: string): void;
}

/**
 * Socket.IO gateway connection. The token is read at every (re)connection attempt so a refreshed token is used;
 * an UNAUTHENTICATED handshake or a SESSION_EXPIRED event triggers one renewal and a reconnect.
 */
export function connectGateway(opts: GatewayOptions): GatewayClient {
  const socket: Socket = io(opts.serverUrl, {
    path: GATEWAY_PATH,
    transports: ['websocket'],
    auth: (cb) => cb({ token: opts.token() ?? '' }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let everConnected = false;
  let closed = false;
  let presence: 'online' | 'idle' = 'online';
  opts.onStatus('connecting');

  socket.on('connect', () => {
    opts.onStatus('connected');
    // The server starts every connection online.
    if (presence !== 'online') socket.emit('PRESENCE_SET', { status: presence }, () => undefined);
    if (everConnected) opts.onReconnected();
    everConnected = true;
  });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    opts.onStatus('reconnecting');
    opts.onDisconnected();
    // A server-side disconnect is not retried by socket.io itself.
    if (reason === 'io server disconnect') setTimeout(() => !closed && socket.connect(), 500);
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    opts.onStatus(everConnected ? 'reconnecting' : 'connecting');
    const code = err.data?.code ?? err.message;
    // The server could not check the session because its database or Redis did not answer: try again shortly
    // (socket.io does not retry a handshake its middleware refused).
    if (code === 'DEPENDENCY_UNAVAILABLE') setTimeout(() => !closed && !socket.active && socket.connect(), 2_000);
    if (code === 'UNAUTHENTICATED' || code === 'TOKEN_EXPIRED') {
      void opts.renewToken().then((t) => {
        if (!t) {
          closed = true;
          socket.close();
          opts.onStatus('offline');
        } else if (!socket.active) socket.connect();
      });
    }
  });
  socket.on('SESSION_EXPIRED', (e: { code?: string; message?: string } | undefined) => {
    if (e?.code === 'SESSION_REVOKED') {
      closed = true;
      socket.close();
      opts.onStatus('offline');
      opts.onRevoked(e.message ?? 'You were logged out from another device');
      return;
    }
    void opts.renewToken().then((t) => {
      if (t && !closed) socket.connect();
    });
  });

  for (const [event, handler] of Object.entries(opts.handlers)) {
    if (handler) socket.on(event, handler as (payload: unknown) => void);
  }

  return {
    refreshToken(token) {
      if (socket.connected) socket.emit('AUTH_REFRESH', { token }, () => undefined);
    },
    setPresence(status) {
      if (status === presence) return;
      presence = status;
      if (socket.connected) socket.emit('PRESENCE_SET', { status }, () => undefined);
    },
    close() {
      closed = true;
      socket.close();
      opts.onStatus('offline');
    },
  };
}
