import { RoomServiceClient, ServerError } from 'livekit-server-sdk';

/**
 * How long one call to LiveKit's server API may take. A healthy SFU answers in milliseconds. With the quick lookup a
 * failed call on one participant may add (room-service.ts, 250 ms), a request that touches LiveKit while it is stalled
 * answers 503 within about 1.5 s, as one that touches a stalled Redis or database does.
 */
export const LIVEKIT_API_TIMEOUT_MS = 1_250;

/**
 * LiveKit's RoomService client, every call bounded by `timeoutMs`. The SDK reports a LiveKit that did not answer as
 * fetch's own errors (a TypeError "fetch failed" when refused or reset, a TimeoutError at the deadline); those become a
 * 503 ServerError here, which is what LiveKit itself answers when it cannot serve a call, so every caller and the
 * error handler (errors.ts: DEPENDENCY_UNAVAILABLE) treat an unreachable LiveKit and an overloaded one alike.
 * (The SDK's region failover, for LiveKit Cloud hosts only, needs a timeout of 5 s or more and is off with this one; a
 * self-hosted LiveKit has no regions to fail over to.)
 */
export function createRoomServiceClient(options: {
  url: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
}): RoomServiceClient {
  const client = new RoomServiceClient(options.url, options.apiKey, options.apiSecret, {
    requestTimeout: (options.timeoutMs ?? LIVEKIT_API_TIMEOUT_MS) / 1000,
  });
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(asServerError(err))) : result;
      };
    },
  });
}

/** fetch's transport failures as LiveKit's own "unavailable"; anything else as it was. */
export function asServerError(err: unknown): unknown {
  if (err instanceof ServerError || !(err instanceof Error)) return err;
  const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
  // undici: "fetch failed" (refused, reset, DNS) before an answer, "terminated" when the connection drops mid-answer.
  if (!timedOut && !(err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated'))) return err;
  const reason = timedOut ? 'timed out' : String((err.cause as { code?: string } | undefined)?.code ?? 'unreachable');
  const unavailable = new ServerError('unavailable', `LiveKit did not answer (${reason})`, 503, 'unavailable');
  unavailable.cause = err;
  return unavailable;
}
