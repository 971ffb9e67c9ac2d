import { lookup as dnsLookup } from 'node:dns/promises';
import { classifyAddress, literalAddress } from '../embeds/address-policy';

/**
 * The SSRF guard of outbound webhooks. A webhook URL is refused when:
 * - it is not https while `requireHttps` (NODE_ENV=production), or not http(s) at all, or carries credentials;
 * - its name does not resolve, or ANY address it resolves to is not global unicast (address-policy.ts: private,
 *   loopback, link-local, CGNAT, multicast, broadcast, unspecified, unique-local, documentation, and the IPv6 forms
 *   carrying an IPv4 address: IPv4-mapped, NAT64, 6to4, Teredo) — unless `allowPrivate` (WEBHOOK_ALLOW_PRIVATE_TARGETS).
 *
 * On success it returns the address that was checked; the delivery connects to exactly that address (the socket's
 * `lookup` hands it back), so a name cannot resolve to something else between the check and the connect (DNS
 * rebinding). Unlike the link unfurler, any port is allowed: receivers often listen on 8443 or similar, and the
 * admin who adds a webhook already has MANAGE_WEBHOOKS.
 */
export interface VettedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
  port: number;
}

export type UrlRefusal = 'BAD_URL' | 'HTTPS_REQUIRED' | 'DNS_FAILED' | 'REFUSED_ADDRESS';

export class WebhookUrlRefused extends Error {
  constructor(
    readonly reason: UrlRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookUrlRefused';
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface UrlGuardOptions {
  requireHttps: boolean;
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Name resolution gives up after this, ms (5 s by default). */
  resolveTimeoutMs?: number;
}

const defaultResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export function createUrlGuard(opts: UrlGuardOptions) {
  const resolve = opts.resolve ?? defaultResolve;
  return {
    async vet(input: string): Promise<VettedTarget> {
      let url: URL;
      try {
        url = new URL(input);
      } catch {
        throw new WebhookUrlRefused('BAD_URL', 'not a URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new WebhookUrlRefused('BAD_URL', `scheme ${url.protocol} is not allowed`);
      if (opts.requireHttps && url.protocol !== 'https:') throw new WebhookUrlRefused('HTTPS_REQUIRED', 'webhook URLs must use https');
      if (url.username || url.password) throw new WebhookUrlRefused('BAD_URL', 'URLs with credentials are not allowed');
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const literal = literalAddress(url.hostname);
      let addresses: { address: string; family: number }[];
      if (literal) addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
      else {
        let timer: NodeJS.Timeout | undefined;
        try {
          // A resolver that hangs must not hold a request (or a delivery slot) for long.
          const deadline = new Promise<never>((_r, reject) => {
            timer = setTimeout(() => reject(new Error('DNS timeout')), opts.resolveTimeoutMs ?? 5_000);
          });
          addresses = await Promise.race([resolve(url.hostname), deadline]);
        } catch {
          throw new WebhookUrlRefused('DNS_FAILED', 'the host name does not resolve');
        } finally {
          clearTimeout(timer);
        }
      }
      if (addresses.length === 0) throw new WebhookUrlRefused('DNS_FAILED', 'the host name has no addresses');
      if (!opts.allowPrivate) {
        // Every address must pass: a name that also points inside is refused, whichever address a connect would pick.
        for (const a of addresses) {
          const verdict = classifyAddress(a.address);
          if (!verdict.allowed) throw new WebhookUrlRefused('REFUSED_ADDRESS', `${a.address} is a ${verdict.range} address`);
        }
      }
      const first = addresses[0]!;
      return { url, address: first.address, family: first.family === 6 ? 6 : 4, port };
    },
  };
}

export type UrlGuard = ReturnType<typeof createUrlGuard>;
