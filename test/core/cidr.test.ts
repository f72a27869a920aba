import { describe, expect, it } from 'vitest';
import { parseCidr } from '#core/cidr.ts';

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 CIDRs, and bare addresses when asked', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', bits: 8, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', bits: 8, family: 'ipv6' });
    expect(parseCidr('192.0.2.7')).toBeUndefined();
    expect(parseCidr('192.0.2.7', { bareAddress: true })).toEqual({
      address: '192.0.2.7',
      bits: 32,
      family: 'ipv4',
    });
    expect(parseCidr('2001:db8::1', { bareAddress: true })?.bits).toBe(128);
    expect(parseCidr('0.0.0.0/0')?.bits).toBe(0);
  });

  it.each([
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0/8',
    '10.0.0.0/8/1',
    '10.0.0.0/x',
    '10.0.0.0/0008',
    'pods/16',
    '',
  ])('refuses %j', (text) => expect(parseCidr(text, { bareAddress: true })).toBeUndefined());
});
