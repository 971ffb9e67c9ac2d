import ipaddr from 'ipaddr.js';

/**
 * Which network addresses the link unfurler may connect to: only global unicast ones. ipaddr.js names the special
 * ranges (IANA's special-purpose registries); everything it does not call `unicast` is refused, so a range it learns
 * about later is refused too. That covers loopback, private (10/8, 172.16/12, 192.168/16), carrier-grade NAT
 * (100.64/10), link-local (169.254/16 with the cloud metadata address, fe80::/10), "this network" and unspecified
 * (0/8, ::), multicast and broadcast, unique-local (fc00::/7), benchmarking and documentation ranges, and every IPv6
 * form that carries an IPv4 address inside (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4, Teredo), whose
 * IPv4 half could be any of the above.
 */
export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, range: 'invalid' };
  const range = ipaddr.parse(address).range();
  return range === 'unicast' ? { allowed: true } : { allowed: false, range };
}

/** The IP address a URL's hostname is written as (`[::1]` → `::1`), or null when it is a name to resolve. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  // WHATWG URL parsing already turned decimal, octal and hex IPv4 forms (2130706433, 0177.0.0.1, 0x7f.1) into dotted quads.
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare) ? bare : null;
}
