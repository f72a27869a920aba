import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { OperationEvent } from '#sidecar/events.ts';
import { statsd } from '#sidecar/protocols/statsd.ts';
import { ascii, contractCheck, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { udpExchange } from '../engine/conversation.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) => (events as OperationEvent[]).map((e) => e.operation);

// Etsy's README's examples and Datadog's DogStatsD datagram format (metrics, events, service checks).
const datagrams: Segment[] = [
  ['to-server', ascii('gorets:1|c\nglork:320|ms|@0.1\ngaugor:-10|g\nuniques:765|s')],
  ['to-server', ascii('page.views:1|c|#env:prod,service:shop|c:abc123\n')],
  ['to-server', ascii('request.latency:12.5:30:4|d|@0.5|#route:/checkout|T1700000000')],
  [
    'to-server',
    ascii(
      '_e{21,36}:An exception occurred|Cannot parse CSV file from 10.0.0.17|t:warning|#err_type:bad_file',
    ),
  ],
  ['to-server', ascii('_sc|Redis connection|2|#env:dev|m:Redis connection timed out after 10s')],
];

describe('statsd', () => {
  it('matches datagrams whose every line is a metric, an event or a service check', () => {
    for (const [direction, bytes] of datagrams) expect(statsd.detect(bytes, direction)).toBe('match');
  });

  it('refuses a line with a non-numeric value (but sets), an unknown type, spaces, or binary', () => {
    expect(statsd.detect(ascii('gorets:abc|c'), 'to-server')).toBe('no-match');
    expect(statsd.detect(ascii('gorets:1|x'), 'to-server')).toBe('no-match');
    expect(statsd.detect(ascii('users:alice|s'), 'to-server')).toBe('match');
    expect(statsd.detect(ascii('gorets:1|c\nhello world'), 'to-server')).toBe('no-match');
    expect(statsd.detect(ascii('a b:1|c'), 'to-server')).toBe('no-match');
    expect(statsd.detect(Uint8Array.of(0x67, 0x3a, 0x31, 0x7c, 0x63, 0x00), 'to-server')).toBe('no-match');
    expect(statsd.detect(ascii('_e{50,4}:short|text'), 'to-server')).not.toBe('match');
  });

  it('names each metric with its type, events and service checks', () => {
    expect(ops(feed(statsd, datagrams))).toEqual([
      'c gorets',
      'ms glork',
      'g gaugor',
      's uniques',
      'c page.views',
      'd request.latency',
      'event',
      'service-check Redis connection',
    ]);
  });

  it('labels a one-way UDP flow statsd, identified from its bytes on any port, with its metrics', () => {
    const engine = createEngine();
    const ends = { client: '10.0.0.5', server: '10.0.0.2', clientPort: 41000, serverPort: 5353 };
    for (const r of udpExchange(
      ends,
      datagrams.slice(0, 2).map(([, data]) => ({ from: 'client' as const, data })),
    ))
      engine.push(r);
    const [flow] = splitFindings(engine.flush()).flows;
    expect(flow).toMatchObject({ protocol: 'statsd', confidence: 'dpi', server: { port: 5353 } });
    expect(flow?.l7?.operations).toEqual(['c gorets', 'ms glork', 'g gaugor', 's uniques', 'c page.views']);
  });

  itRejectsForeignBytes(statsd, ['statsd']);

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(statsd, 2, 0x57a7)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(statsd, datagrams[0] as Segment).randomMatches).toBe(0);
  });
});
