import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret, sign, signedHeaders, verify } from './signing';

describe('Standard Webhooks signing', () => {
  // The example of the Standard Webhooks spec's reference libraries (msg id, timestamp, body, secret → signature).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const ts = 1614265330;
  const body = '{"test": 2432232314}';

  it('when signing the spec example, then the signature is the published one', () => {
    expect(sign(secret, id, ts, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('when signing, then it is v1, + base64 HMAC-SHA256 over id.timestamp.body keyed with the decoded secret', () => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
    expect(signedHeaders(secret, id, ts, body)).toEqual({
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('when verifying, then the right secret, body and a fresh timestamp pass, and any change fails', () => {
    const headers = { id, timestamp: String(ts), signature: sign(secret, id, ts, body) };
    expect(verify(secret, headers, body, ts + 10)).toBe(true);
    expect(verify(secret, { ...headers, signature: `v1,bogus ${headers.signature}` }, body, ts)).toBe(true);
    expect(verify(secret, headers, body.replace('2', '3'), ts)).toBe(false);
    expect(verify(generateSecret(), headers, body, ts)).toBe(false);
    expect(verify(secret, { ...headers, id: 'msg_other' }, body, ts)).toBe(false);
    expect(verify(secret, headers, body, ts + 301)).toBe(false);
  });

  it('when generating a secret, then it is whsec_ + base64 of 32 random bytes, different each time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });
});
