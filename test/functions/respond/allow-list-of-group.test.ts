import { describe, expect, it } from 'vitest';
import { allowListOfGroup } from '#functions/respond/allow-list-of-group.ts';
import { rule } from '../platform/factories.ts';

const group = (name: string) => ({ type: 'group' as const, namespace: 'shop', name });
const pods = [
  { group: 'shop/frontend', ips: ['10.0.0.11', '10.0.0.10'] },
  { group: 'shop/frontend', ips: ['10.0.0.12', 'fd00::12'] },
  { group: 'shop/cart', ips: ['10.0.0.20'] },
  { group: 'istio-system/istiod', ips: ['10.0.9.1'] },
];

describe('allowListOfGroup', () => {
  it('groups peers by port, resolves groups to their live pod IPs, sorted and hashed', () => {
    const list = allowListOfGroup({
      group: 'shop/cart',
      rules: [
        rule({ id: 'a', from: group('frontend'), to: group('cart'), port: 7070 }),
        rule({ id: 'b', from: { type: 'cidr', cidr: '192.168.0.0/24' }, to: group('cart'), port: 7070 }),
        rule({ id: 'c', from: group('cart'), to: group('redis'), port: 6379 }),
        rule({
          id: 'd',
          from: group('cart'),
          to: { type: 'cidr', cidr: '10.50.0.0/16' },
          port: 5432,
          portEnd: 5433,
        }),
        rule({ id: 'e', from: group('frontend'), to: group('cart'), transport: 'icmp', port: 0 }),
      ],
      pods,
      meshControlGroups: [],
      meshed: true,
    });
    expect(list.inbound).toEqual({
      enforce: true,
      entries: [
        {
          transport: 'tcp',
          port: 7070,
          cidrs: ['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32', '192.168.0.0/24', 'fd00::12/128'],
        },
      ],
    });
    // redis has no live pod: nothing to allow there (an empty entry is left out).
    expect(list.outbound).toEqual({
      enforce: true,
      entries: [{ transport: 'tcp', port: 5432, portEnd: 5433, cidrs: ['10.50.0.0/16'] }],
    });
    expect(list.hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = allowListOfGroup({
      group: 'shop/cart',
      rules: [
        rule({ id: 'b', from: { type: 'cidr', cidr: '192.168.0.0/24' }, to: group('cart'), port: 7070 }),
        rule({ id: 'a', from: group('frontend'), to: group('cart'), port: 7070 }),
        rule({
          id: 'd',
          from: group('cart'),
          to: { type: 'cidr', cidr: '10.50.0.0/16' },
          port: 5432,
          portEnd: 5433,
        }),
      ],
      pods: [...pods].reverse(),
      meshControlGroups: [],
      meshed: true,
    });
    expect(reordered.hash).toBe(list.hash);
  });

  it('an FQDN peer or a list past the bound leaves that direction open, never partial', () => {
    const list = allowListOfGroup({
      group: 'shop/cart',
      rules: [
        rule({ id: 'a', from: group('frontend'), to: group('cart'), port: 7070 }),
        rule({ id: 'f', from: group('cart'), to: { type: 'fqdn', fqdn: 'api.stripe.com' }, port: 443 }),
      ],
      pods,
      meshControlGroups: [],
      meshed: true,
      maxRules: 2,
    });
    expect(list.outbound).toEqual({ enforce: false, reason: expect.stringContaining('api.stripe.com') });
    expect(list.inbound).toEqual({ enforce: false, reason: '4 address/port rules exceed the bound of 2' });
  });

  it('without a mesh proxy, outbound to workloads stays open (Service cluster IPs); CIDRs alone are enforced', () => {
    const rules = [
      rule({ id: 'a', from: group('frontend'), to: group('cart'), port: 7070 }),
      rule({ id: 'c', from: group('cart'), to: group('frontend'), port: 8080 }),
    ];
    const list = allowListOfGroup({ group: 'shop/cart', rules, pods, meshControlGroups: [], meshed: false });
    expect(list.inbound.enforce).toBe(true);
    expect(list.outbound).toEqual({
      enforce: false,
      reason: expect.stringMatching(/^no mesh proxy: .*shop\/frontend/),
    });
    const cidrOnly = allowListOfGroup({
      group: 'shop/cart',
      rules: [rule({ id: 'd', from: group('cart'), to: { type: 'cidr', cidr: '10.50.0.0/16' }, port: 5432 })],
      pods,
      meshControlGroups: ['istio-system/istiod'],
      meshed: false,
    });
    expect(cidrOnly.outbound).toEqual({
      enforce: true,
      entries: [
        { transport: 'tcp', port: 1, portEnd: 65535, cidrs: ['10.0.9.1/32'] },
        { transport: 'tcp', port: 5432, cidrs: ['10.50.0.0/16'] },
        { transport: 'udp', port: 1, portEnd: 65535, cidrs: ['10.0.9.1/32'] },
      ],
    });
  });

  it('the mesh control plane is reachable both ways on every port', () => {
    const list = allowListOfGroup({
      group: 'shop/cart',
      rules: [],
      pods,
      meshControlGroups: ['istio-system/istiod'],
      meshed: true,
    });
    const everyPort = [
      { transport: 'tcp', port: 1, portEnd: 65535, cidrs: ['10.0.9.1/32'] },
      { transport: 'udp', port: 1, portEnd: 65535, cidrs: ['10.0.9.1/32'] },
    ];
    expect(list.inbound).toEqual({ enforce: true, entries: everyPort });
    expect(list.outbound).toEqual({ enforce: true, entries: everyPort });
  });
});
