import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServerError } from 'livekit-server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { unavailableDependency } from '../errors';
import { asServerError, createRoomServiceClient } from './room-client';

const KEY = { apiKey: 'devkey', apiSecret: 'x'.repeat(32) };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A TCP server that accepts connections and never answers: a stalled (SIGSTOPped) LiveKit, as the SDK sees it. */
async function blackHole(): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('LiveKit room client', () => {
  it('when LiveKit accepts the connection and never answers, then the call fails at the deadline as a 503 the error handler calls "livekit"', async () => {
    const port = await blackHole();
    const client = createRoomServiceClient({ url: `http://127.0.0.1:${port}`, ...KEY, timeoutMs: 200 });
    const err = await caught(client.listParticipants('ch_x'));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 503, code: 'unavailable', message: 'LiveKit did not answer (timed out)' });
    expect(unavailableDependency(err)).toBe('livekit');
  });

  it('when nothing listens on LiveKit’s port, then the call fails as a 503 naming the refusal', async () => {
    const port = await blackHole();
    await closers.pop()!();
    const client = createRoomServiceClient({ url: `http://127.0.0.1:${port}`, ...KEY });
    const err = await caught(client.removeParticipant('ch_x', 'u1'));
    expect(err).toMatchObject({ status: 503, message: 'LiveKit did not answer (ECONNREFUSED)' });
    expect(unavailableDependency(err)).toBe('livekit');
  });

  it('when LiveKit drops the connection in the middle of its answer, then that is a 503 too', async () => {
    const http = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"rooms":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const client = createRoomServiceClient({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, ...KEY });
    const err = await caught(client.listRooms());
    expect(err).toMatchObject({ status: 503, code: 'unavailable' });
  });

  it("when LiveKit answers with an error, then LiveKit's own error arrives unchanged (a 404 stays a 404)", async () => {
    const http = createHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'not_found', msg: 'participant does not exist' }));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const client = createRoomServiceClient({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, ...KEY });
    const err = await caught(client.getParticipant('ch_x', 'u1'));
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    expect(unavailableDependency(err)).toBeNull();
  });

  it('when something else fails (a bug of ours, not the network), then it is not dressed up as LiveKit being down', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'sid')");
    expect(asServerError(bug)).toBe(bug);
    expect(asServerError('text')).toBe('text');
  });
});
