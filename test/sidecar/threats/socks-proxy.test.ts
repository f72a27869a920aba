import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { socks } from '#sidecar/protocols/socks.ts';
import { socksDatagrams } from '#sidecar/protocols/socks-udp.ts';
import { socksProxy } from '#sidecar/threats/socks-proxy.ts';
import { ascii, concat, feed, hex, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { dnsQuery, udpHeader4 } from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { flow, runThreat } from './threat-factories.ts';

const proxy = flow({ protocol: 'socks', server: { ip: '10.0.0.9', port: 1080 } });
const events = (segments: readonly Segment[], protocol = socks) =>
  (feed(protocol, segments) as ProtocolEvent[]).map((e, i) => ({ ...e, ts: 1_000 + i }));

const connect = (reply: string): Segment[] => [
  ['to-server', hex('050100')],
  ['to-client', hex('0500')],
  ['to-server', concat(hex('0501000309'), ascii('db.prod.i'), hex('1538'))],
  ['to-client', hex(`05${reply}00010a0000090438`)],
];

describe('socks-proxy', () => {
  it('reports a connection the proxy agreed to relay, naming the target asked for', () => {
    expect(
      runThreat(socksProxy, events(connect('00')), { flow: proxy }).map((h) => [h.evidence, h.severity]),
    ).toEqual([['a SOCKS5 proxy relayed a connection to db.prod.i:5432', 'medium']]);
    const v4 = events([
      ['to-server', hex('04010050c0a80001626f6200')],
      ['to-client', hex('005a000000000000')],
    ]);
    expect(runThreat(socksProxy, v4, { flow: proxy }).map((h) => h.evidence)).toEqual([
      'a SOCKS4 proxy relayed a connection to 192.168.0.1:80',
    ]);
  });

  it('leaves refused requests and sanctioned proxies alone', () => {
    expect(runThreat(socksProxy, events(connect('05')), { flow: proxy })).toEqual([]);
    expect(
      runThreat(socksProxy, events(connect('00')), { flow: proxy, config: { allowServers: ['10.0.0.9'] } }),
    ).toEqual([]);
    expect(
      runThreat(socksProxy, events(connect('00')), {
        flow: proxy,
        config: { allowServers: ['10.0.0.9:1080'] },
      }),
    ).toEqual([]);
    expect(
      runThreat(socksProxy, events(connect('00')), {
        flow: proxy,
        config: { allowServers: ['10.0.0.9:3128'] },
      }),
    ).toHaveLength(1);
  });

  it('reports a UDP ASSOCIATE as the relay it opened (not a connection to the zeros the client asked with)', () => {
    const associate = events([
      ['to-server', hex('050100')],
      ['to-client', hex('0500')],
      ['to-server', hex('0503000100000000 0000')],
      ['to-client', hex('05000001 0a000009 9c40')],
    ]);
    expect(runThreat(socksProxy, associate, { flow: proxy }).map((h) => h.evidence)).toEqual([
      'a SOCKS5 proxy opened a UDP relay at 10.0.0.9:40000',
    ]);
  });

  it("reports on the relay's flow each destination its datagrams went to or came from, once", () => {
    const relay = flow({
      key: 'udp 10.0.0.5:40001 10.0.0.9:40000',
      transport: 'udp',
      protocol: 'socks',
      client: { ip: '10.0.0.5', port: 40001 },
      server: { ip: '10.0.0.9', port: 40000 },
    });
    const relayed = events(
      [
        ['to-server', concat(udpHeader4([10, 0, 0, 53], 53), dnsQuery(1, 'shop.example.com'))],
        ['to-server', concat(udpHeader4([10, 0, 0, 53], 53), dnsQuery(2, 'cart.example.com'))],
        ['to-client', concat(udpHeader4([10, 0, 0, 7], 27015), hex('ffffffff54'))],
      ],
      socksDatagrams,
    );
    expect(runThreat(socksProxy, relayed, { flow: relay }).map((h) => h.evidence)).toEqual([
      'a SOCKS5 UDP relay carried datagrams to 10.0.0.53:53',
      'a SOCKS5 UDP relay carried datagrams from 10.0.0.7:27015',
    ]);
    expect(runThreat(socksProxy, relayed, { flow: relay, config: { allowServers: ['10.0.0.9'] } })).toEqual(
      [],
    );
    const seventeen = events(
      Array.from(
        { length: 17 },
        (_, i): Segment => ['to-server', concat(udpHeader4([10, 0, 1, i], 53), hex('00'))],
      ),
      socksDatagrams,
    );
    expect(
      runThreat(socksProxy, seventeen, { flow: relay })
        .map((h) => h.evidence)
        .slice(-2),
    ).toEqual([
      'a SOCKS5 UDP relay carried datagrams to 10.0.1.15:53',
      'a SOCKS5 UDP relay carried datagrams to more than 16 destinations',
    ]);
  });

  it('reports a BIND once, as the reverse connection the proxy accepted, and not when no peer connects', () => {
    const bind = (second: string) =>
      events([
        ['to-server', hex('050100')],
        ['to-client', hex('0500')],
        ['to-server', hex('05020001 0a000005 0015')],
        ['to-client', hex('05000001 0a000009 1f90')],
        ['to-client', hex(second)],
      ]);
    expect(
      runThreat(socksProxy, bind('05000001 0a000005 0014'), { flow: proxy }).map((h) => h.evidence),
    ).toEqual([
      'a SOCKS5 BIND: the proxy accepted a reverse connection from 10.0.0.5:20 (the client awaited 10.0.0.5:21)',
    ]);
    expect(runThreat(socksProxy, bind('05060001 00000000 0000'), { flow: proxy })).toEqual([]);
    // Version 4: the same two replies (granted when the proxy listens, again when the peer connects).
    const v4 = events([
      ['to-server', hex('04020015 0a000005 00')],
      ['to-client', hex('005a1f90 0a000009')],
      ['to-client', hex('005a0014 0a000005')],
    ]);
    expect(runThreat(socksProxy, v4, { flow: proxy }).map((h) => h.evidence)).toEqual([
      'a SOCKS4 BIND: the proxy accepted a reverse connection from 10.0.0.5:20 (the client awaited 10.0.0.5:21)',
    ]);
  });
});
