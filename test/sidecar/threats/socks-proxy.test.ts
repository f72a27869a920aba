import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { socks } from '#sidecar/protocols/socks.ts';
import { socksProxy } from '#sidecar/threats/socks-proxy.ts';
import { ascii, concat, feed, hex, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const proxy = flow({ protocol: 'socks', server: { ip: '10.0.0.9', port: 1080 } });
const events = (segments: readonly Segment[]) =>
  (feed(socks, segments) as ProtocolEvent[]).map((e, i) => ({ ...e, ts: 1_000 + i }));

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
});
