import { describe, expect, it } from 'vitest';
import { classifyAddress, literalAddress } from './address-policy';

const hostOf = (url: string) => literalAddress(new URL(url).hostname);

describe('link preview address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['2001::1', 'teredo'],
    ['fec0::1', 'deprecatedSiteLocal'],
  ])('when the address is %s, then it is refused as %s', (address, range) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, range });
  });

  it('when the address is global unicast, then it is allowed', () => {
    expect(classifyAddress('93.184.215.14')).toEqual({ allowed: true });
    expect(classifyAddress('2606:4700:4700::1111')).toEqual({ allowed: true });
  });

  it('when the text is no address, then it is refused', () => {
    expect(classifyAddress('localhost')).toEqual({ allowed: false, range: 'invalid' });
  });

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://0/', '0.0.0.0'],
  ])('when a URL writes its host as %s, then it is read as the address %s and refused', (url, address) => {
    expect(hostOf(url)).toBe(address);
    expect(classifyAddress(hostOf(url)!).allowed).toBe(false);
  });

  it('when the host is a name, then it is no literal (it is resolved and each address checked)', () => {
    expect(hostOf('https://example.com/')).toBeNull();
    expect(hostOf('https://1.example/')).toBeNull();
  });
});
