import { describe, expect, it } from 'vitest';
import { createUrlGuard, WebhookUrlRefused, type Resolver } from './url-guard';

/** A resolver that answers from a table, so no test depends on real DNS. */
const table =
  (entries: Record<string, string[]>): Resolver =>
  async (host) => {
    const addresses = entries[host];
    if (!addresses) throw new Error('ENOTFOUND');
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const guard = (opts: { requireHttps?: boolean; allowPrivate?: boolean; resolve?: Resolver } = {}) =>
  createUrlGuard({
    requireHttps: opts.requireHttps ?? false,
    allowPrivate: opts.allowPrivate ?? false,
    resolve: opts.resolve ?? table({}),
  });

async function refusal(url: string, g = guard()): Promise<string> {
  try {
    await g.vet(url);
  } catch (err) {
    if (err instanceof WebhookUrlRefused) return err.reason;
    throw err;
  }
  return 'allowed';
}

describe('webhook SSRF guard', () => {
  it.each([
    ['loopback', 'http://127.0.0.1/'],
    ['loopback (other 127/8)', 'http://127.45.6.7/'],
    ['loopback, decimal form', 'http://2130706433/'],
    ['loopback, hex form', 'http://0x7f.1/'],
    ['private 10/8', 'http://10.0.0.1/'],
    ['private 172.16/12', 'http://172.16.5.4/'],
    ['private 172.31', 'http://172.31.255.255/'],
    ['private 192.168/16', 'http://192.168.0.1/'],
    ['link-local / cloud metadata', 'http://169.254.169.254/'],
    ['CGNAT 100.64/10', 'http://100.64.0.1/'],
    ['CGNAT upper end', 'http://100.127.255.254/'],
    ['multicast', 'http://224.0.0.1/'],
    ['broadcast', 'http://255.255.255.255/'],
    ['unspecified / this network', 'http://0.0.0.0/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv6 unspecified', 'http://[::]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv6 unique-local', 'http://[fd00::1]/'],
    ['IPv6 multicast', 'http://[ff02::1]/'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped IPv6 private, hex form', 'http://[::ffff:a00:1]/'],
    ['IPv4-mapped IPv6 of a public address (refused: it is still a mapped form)', 'http://[::ffff:8.8.8.8]/'],
    ['NAT64 of a private address', 'http://[64:ff9b::a00:1]/'],
    ['6to4', 'http://[2002:7f00:1::1]/'],
    ['Teredo', 'http://[2001::1]/'],
  ])('when the URL is a %s address, then it is refused', async (_name, url) => {
    expect(await refusal(url)).toBe('REFUSED_ADDRESS');
  });

  it('when a name resolves to a public address only, then it is allowed and the checked address is returned to connect to', async () => {
    const g = guard({ resolve: table({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] }) });
    const target = await g.vet('https://hooks.example.com:8443/in');
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4, port: 8443 });
    expect(target.url.hostname).toBe('hooks.example.com');
  });

  it('when a name resolves to a public and a private address, then it is refused (every address is checked)', async () => {
    const g = guard({ resolve: table({ 'rebind.example.com': ['93.184.216.34', '10.0.0.5'] }) });
    expect(await refusal('https://rebind.example.com/', g)).toBe('REFUSED_ADDRESS');
    const g6 = guard({ resolve: table({ 'mapped.example.com': ['93.184.216.34', '::ffff:192.168.1.1'] }) });
    expect(await refusal('https://mapped.example.com/', g6)).toBe('REFUSED_ADDRESS');
  });

  it('when the name does not resolve, then it is refused as DNS_FAILED', async () => {
    expect(await refusal('https://nowhere.invalid/')).toBe('DNS_FAILED');
    expect(await refusal('https://empty.example/', guard({ resolve: async () => [] }))).toBe('DNS_FAILED');
    const hanging = createUrlGuard({
      requireHttps: false,
      allowPrivate: false,
      resolve: () => new Promise(() => undefined),
      resolveTimeoutMs: 50,
    });
    expect(await refusal('https://slow.example/', hanging)).toBe('DNS_FAILED');
  });

  it('when https is required (production), then http is refused and https passes', async () => {
    const g = guard({ requireHttps: true });
    expect(await refusal('http://93.184.216.34/', g)).toBe('HTTPS_REQUIRED');
    expect(await refusal('https://93.184.216.34/', g)).toBe('allowed');
  });

  it('when the URL has another scheme or credentials, then it is refused as BAD_URL', async () => {
    expect(await refusal('ftp://93.184.216.34/')).toBe('BAD_URL');
    expect(await refusal('https://user:pw@93.184.216.34/')).toBe('BAD_URL');
    expect(await refusal('not a url')).toBe('BAD_URL');
  });

  it('when private targets are allowed by config, then loopback and private addresses pass', async () => {
    const g = guard({ allowPrivate: true });
    expect(await refusal('http://127.0.0.1:9000/', g)).toBe('allowed');
    expect(await refusal('http://[::1]/', g)).toBe('allowed');
    expect(await refusal('http://10.0.0.1/', g)).toBe('allowed');
  });
});
