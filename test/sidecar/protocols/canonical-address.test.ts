/** One spelling per address (ADR 28): the forms a proxy may write one client in come out as one. */
import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '#sidecar/protocols/canonical-address.ts';

describe('the canonical address', () => {
  it.each([
    // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2), dotted or in hex, any case or length: the IPv4 address.
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:201', '192.0.2.1'],
    // RFC 5952: lowercase, no leading zeros, the longest run of zero groups (the first of equals) as ::.
    ['2001:DB8:0000:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    // A zone id (RFC 4007 §11; %25 as RFC 6874 writes it in a URI) names the proxy's interface: dropped.
    ['fe80::1%eth0', 'fe80::1'],
    ['FE80:0::0001%25eth0', 'fe80::1'],
    // Not mapped: IPv4-compatible (deprecated) and NAT64 addresses are other addresses.
    ['::192.0.2.1', '::c000:201'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    // IPv4 is already one spelling; what is not an address is left as it is.
    ['192.0.2.1', '192.0.2.1'],
    ['unknown', 'unknown'],
  ])('writes %s as %s', (ip, expected) => expect(canonicalAddress(ip)).toBe(expected));
});
