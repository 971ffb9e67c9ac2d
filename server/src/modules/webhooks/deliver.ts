import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { VettedTarget } from './url-guard';

/**
 * One POST of a signed payload to a vetted target. The socket connects to the checked address (never a fresh DNS
 * answer); TLS still verifies the certificate against the URL's host name. The whole request, answer included, must
 * finish within `timeoutMs`; the answer's body is read (up to 64 KiB) and dropped. No redirects are followed: a 3xx
 * is a failed delivery, as the Standard Webhooks guidance recommends.
 */
export interface DeliveryResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_ANSWER_BYTES = 64 * 1024;
export const USER_AGENT = 'Parley-Webhooks/1.0';

export function postSigned(
  target: VettedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<DeliveryResult> {
  const started = now();
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const lib = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, error, durationMs: Math.max(0, Math.round(now() - started)) });
    };
    const req = lib.request(target.url, {
      method: 'POST',
      lookup: pinned,
      agent: false,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': USER_AGENT,
      },
    });
    const timer = setTimeout(() => {
      finish(null, 'TIMEOUT');
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      res.on('end', () => finish(res.statusCode ?? null, null));
      res.on('close', () => finish(res.statusCode ?? null, null));
      res.on('error', () => finish(res.statusCode ?? null, null));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(null, err.code ? `NETWORK: ${err.code}` : 'NETWORK'));
    req.end(body);
  });
}
