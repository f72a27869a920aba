import { describe, expect, it } from 'vitest';
import { allowList, isAllowedServer } from '#sidecar/threats/allowed-servers.ts';

const peer = (ip: string, port = 5432) => ({ ip, port });

describe('a policy allow list', () => {
  it('matches an address, address:port, a CIDR and CIDR:port, IPv4 and IPv6', () => {
    const allowed = ['192.0.2.7', '192.0.2.8:5432', '10.42.0.0/16', '10.96.0.0/12:6379', 'fd00::/8:443'];
    expect(
      [
        peer('192.0.2.7', 1),
        peer('192.0.2.8'),
        peer('10.42.200.3', 9),
        peer('10.100.0.1', 6379),
        peer('fd12::1', 443),
      ].map((p) => isAllowedServer(p, allowed)),
    ).toEqual([true, true, true, true, true]);
    expect(
      [
        peer('192.0.2.8', 80),
        peer('10.43.0.1'),
        peer('10.100.0.1', 5432),
        peer('fd12::1', 80),
        peer('2001:db8::1', 443),
      ].map((p) => isAllowedServer(p, allowed)),
    ).toEqual([false, false, false, false, false]);
    expect(isAllowedServer(undefined, allowed)).toBe(false);
  });

  it('never matches an IPv4 peer against an IPv6 range or the reverse', () => {
    expect(isAllowedServer(peer('10.0.0.1'), ['::/0'])).toBe(false);
    expect(isAllowedServer(peer('::1'), ['0.0.0.0/0'])).toBe(false);
    expect(isAllowedServer(peer('10.0.0.1'), ['0.0.0.0/0'])).toBe(true);
  });

  it('refuses an entry that is not an address, address:port, CIDR or CIDR:port when the policy is loaded, naming it', () => {
    const wrong = [
      '10.0.0.0/33',
      '10.0.0/8',
      '10.0.0.0/8:70000',
      'fd00::/129',
      'pods/16',
      // Never matched (peers are compared as address text): now refused instead of silently allowing nobody.
      '10.0.0.300',
      '10.0.0.1:99999',
      'db.internal',
      ' 10.0.0.1',
      '10.0.0.1-10.0.0.9',
    ];
    for (const entry of wrong) {
      const parsed = allowList().safeParse(['10.0.0.1', entry]);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({
        path: [1],
        message: `"${entry}" is not an address, address:port, CIDR (address/bits) or CIDR:port`,
      });
    }
    expect(
      allowList().parse(['10.0.0.0/8', 'fd00::/8:443', '192.0.2.7:80', 'fd00::7', '2001:db8::1:443']),
    ).toHaveLength(5);
  });
});
