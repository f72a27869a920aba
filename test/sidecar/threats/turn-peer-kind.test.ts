/** What a TURN peer address is: the server's own host, link-local and metadata, internal ranges, IPv4 inside IPv6. */
import { describe, expect, it } from 'vitest';
import { peerKind } from '#sidecar/threats/turn-peer-kind.ts';
import { turnRelayAbuse } from '#sidecar/threats/turn-relay-abuse.ts';

const internal = turnRelayAbuse.config.parse({}).internalRanges;
const kindOf = (ip: string) => peerKind(ip, internal)?.kind;

describe('turn peer kinds', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['10.96.0.1', 'internal'],
    ['172.20.3.4', 'internal'],
    ['192.168.1.1', 'internal'],
    ['100.64.0.10', 'internal'],
    ['fd12:3456::1', 'internal'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:0:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['::ffff:a00:1', 'internal'],
    ['::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
  ])('%s is %s', (ip, kind) => expect(kindOf(ip)).toBe(kind));

  it.each([
    '198.51.100.7',
    '203.0.113.9',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2001:db8::7',
    '2606:4700::1111',
    'fec0::1',
    '::ffff:808:808',
    'not an address',
  ])('%s is none of them: a peer TURN is for', (ip) => expect(kindOf(ip)).toBeUndefined());

  it('names what it found, the range or the form', () => {
    expect(peerKind('169.254.169.254', internal)?.what).toBe('cloud instance metadata (169.254.169.254)');
    expect(peerKind('10.1.2.3', internal)?.what).toBe('in the internal range 10.0.0.0/8');
    expect(peerKind('::ffff:7f00:1', internal)?.what).toBe('IPv4-mapped 127.0.0.1: loopback');
    expect(peerKind('203.0.113.9', ['203.0.113.0/24'])?.kind).toBe('internal');
    expect(peerKind('10.1.2.3', [])).toBeUndefined();
  });
});
