/**
 * What a SOCKS 5 reply names besides its outcome (RFC 1928 §6): a UDP ASSOCIATE's relay, announced as the coming UDP
 * flow; a BIND's listening address and then the peer that connected, after which the connection is a tunnel.
 */
import { describe, expect, it } from 'vitest';
import type { ExpectedFlowEvent, ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { relayAnnounced } from '#sidecar/protocols/socks-udp-relay.ts';
import { ascii, feed, hex, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';

const socks = protocols.find((p) => p.id === 'socks' && p.transport === 'tcp') as Protocol;

const lines = (events: readonly ProtocolEvent[]): string[] =>
  events.map((e) => {
    if (e.kind === 'operation')
      return e.operation.startsWith('tunnel ') ? e.operation : `${e.operation} ${e.detail ?? ''}`.trim();
    if (e.kind === 'expected-flow')
      return `expect ${e.transport ?? 'tcp'} ${e.ip ?? '(seen)'}:${e.port} ${e.protocol}`;
    if (e.kind === 'http-request') return `http ${e.method} ${e.target}`;
    return e.kind;
  });

// No authentication; UDP ASSOCIATE (command 3) from 0.0.0.0:0 (the client does not know its address yet).
const associate = (reply: string): Segment[] => [
  ['to-server', hex('050100')],
  ['to-client', hex('0500')],
  ['to-server', hex('0503000100000000 0000')],
  ['to-client', hex(reply)],
];

describe('a SOCKS 5 UDP ASSOCIATE', () => {
  it('announces the relay its reply names (10.0.0.2:40000) as a coming UDP SOCKS flow', () => {
    expect(lines(feed(socks, associate('05000001 0a000002 9c40')) as ProtocolEvent[])).toEqual([
      'greeting version=5 methods=no-auth',
      'method no-auth',
      'UDP ASSOCIATE version=5 target=0.0.0.0:0',
      'reply succeeded version=5 target=0.0.0.0:0 command=UDP-ASSOCIATE bound=10.0.0.2:40000',
      'expect udp 10.0.0.2:40000 socks',
    ]);
  });

  it('announces an "any" relay address by port alone, an IPv6 one canonical, none when refused', () => {
    expect(relayAnnounced({ host: '0.0.0.0', port: 40000 }, 1)).toEqual([
      {
        kind: 'expected-flow',
        ts: 1,
        direction: 'to-client',
        protocol: 'socks',
        listener: 'server',
        port: 40000,
        transport: 'udp',
      },
    ]);
    const v6 = relayAnnounced({ host: '[2001:db8:0:0:0:0:0:1]', port: 40000 }, 1)[0] as ExpectedFlowEvent;
    expect(v6.ip).toBe('2001:db8::1');
    expect(relayAnnounced({ host: 'relay.internal', port: 40000 }, 1)[0]?.ip).toBeUndefined();
    expect(relayAnnounced({ host: '10.0.0.2', port: 0 }, 1)).toEqual([]);
    expect(lines(feed(socks, associate('05020001 0a000002 9c40')) as ProtocolEvent[]).at(-1)).toBe(
      'reply not allowed by ruleset version=5 target=0.0.0.0:0 command=UDP-ASSOCIATE',
    );
  });
});

describe('a SOCKS 5 BIND', () => {
  it('reads both replies as replies (where it listens, then who connected) and what follows as the tunnel', () => {
    const events = feed(socks, [
      ['to-server', hex('050100')],
      ['to-client', hex('0500')],
      ['to-server', hex('05020001 0a000005 0015')],
      ['to-client', hex('05000001 0a000002 1f90')],
      ['to-client', hex('05000001 0a000005 0014')],
      ['to-server', ascii('GET /files?id=1 HTTP/1.1\r\nHost: peer\r\n\r\n')],
      ['to-client', ascii('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')],
    ]) as ProtocolEvent[];
    expect(lines(events)).toEqual([
      'greeting version=5 methods=no-auth',
      'method no-auth',
      'BIND version=5 target=10.0.0.5:21',
      'reply succeeded version=5 target=10.0.0.5:21 command=BIND bound=10.0.0.2:8080',
      'reply succeeded version=5 target=10.0.0.5:21 command=BIND peer=10.0.0.5:20',
      'tunnel http',
      'http GET /files?id=1',
      'http-response',
    ]);
  });

  it('holds what the client sends before the second reply, and reads it once the peer connected', () => {
    const events = feed(socks, [
      ['to-server', hex('050100')],
      ['to-client', hex('0500')],
      ['to-server', hex('05020001 0a000005 0015')],
      ['to-client', hex('05000001 0a000002 1f90')],
      ['to-server', ascii('GET /early HTTP/1.1\r\nHost: peer\r\n\r\n')],
      ['to-client', hex('05000001 0a000005 0014')],
    ]) as ProtocolEvent[];
    expect(lines(events).slice(-3)).toEqual([
      'reply succeeded version=5 target=10.0.0.5:21 command=BIND peer=10.0.0.5:20',
      'tunnel http',
      'http GET /early',
    ]);
  });

  it('opens no tunnel when the peer never connects (the second reply refuses)', () => {
    const events = feed(socks, [
      ['to-server', hex('050100')],
      ['to-client', hex('0500')],
      ['to-server', hex('05020001 0a000005 0015')],
      ['to-client', hex('05000001 0a000002 1f90')],
      ['to-server', ascii('GET /early HTTP/1.1\r\nHost: peer\r\n\r\n')],
      ['to-client', hex('05060001 00000000 0000')],
    ]) as ProtocolEvent[];
    expect(lines(events).at(-1)).toBe('reply TTL expired version=5 target=10.0.0.5:21 command=BIND');
    expect(lines(events)).not.toContain('tunnel http');
  });
});
