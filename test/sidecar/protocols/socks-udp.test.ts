/**
 * A SOCKS 5 UDP relay's datagrams (RFC 1928 §7): each destination told once, its data read as the protocol it is (DNS
 * here), fragments told and not read; detected on their own only when the header is strict and another UDP protocol
 * takes the data.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { detectSocksDatagram, maxRelayTargets, socksDatagrams } from '#sidecar/protocols/socks-udp.ts';
import { concat, contractCheck, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  dnsAnswer,
  dnsQuery,
  udpHeader4,
  udpHeader6,
  udpHeaderName,
} from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { withBuggyParser } from '#test/helpers/buggy-parser.ts';

const resolver = [10, 0, 0, 53];
const query = concat(udpHeader4(resolver, 53), dnsQuery(0x1234, 'shop.example.com'));
const answer = concat(udpHeader4(resolver, 53), dnsAnswer(0x1234, 'shop.example.com', [10, 0, 0, 80]));

/** Each event as one line: an operation with its detail, a DNS message with its names. */
const lines = (events: readonly ProtocolEvent[]): string[] =>
  events.map((e) => {
    // `tunnel dns` and `relay host:port` name what they tell; the detail repeats it.
    if (e.kind === 'operation')
      return /^(?:tunnel|relay) /.test(e.operation) ? e.operation : `${e.operation} ${e.detail ?? ''}`.trim();
    if (e.kind === 'dns-message')
      return `dns ${e.isResponse ? 'answer' : 'query'} ${e.questions.map((q) => q.name).join(',')}`;
    return e.kind;
  });

const dns = protocols.find((p) => p.id === 'dns') as Protocol;

describe('detecting a SOCKS UDP relay datagram on its own', () => {
  it('takes a header with a DNS query or answer after it, by address or by name, either way', () => {
    expect(detectSocksDatagram(query, 'to-server')).toBe('match');
    expect(detectSocksDatagram(answer, 'to-client')).toBe('match');
    expect(
      detectSocksDatagram(concat(udpHeaderName('ns.internal', 53), dnsQuery(7, 'a.io')), 'to-server'),
    ).toBe('match');
    expect(detectSocksDatagram(concat(udpHeader6, dnsQuery(7, 'a.io')), 'to-server')).toBe('match');
  });

  it('refuses a fragment, a header alone, and a header whose data no protocol takes', () => {
    expect(detectSocksDatagram(concat(udpHeader4(resolver, 53, 1), dnsQuery(1, 'a.io')), 'to-server')).toBe(
      'no-match',
    );
    expect(detectSocksDatagram(udpHeader4(resolver, 53), 'to-server')).not.toBe('match');
    expect(detectSocksDatagram(concat(udpHeader4(resolver, 53), hex('deadbeefcafe')), 'to-server')).not.toBe(
      'match',
    );
  });

  it('takes none of the other protocols’ samples, and no random bytes', () => {
    for (const sample of wireSamples)
      expect(detectSocksDatagram(sample.bytes, sample.direction), sample.protocol).not.toBe('match');
    expect(contractCheck(socksDatagrams, ['to-server', query]).randomMatches).toBe(0);
  });

  it('comes before DNS in the registry (a DNS detector never sees the header as DNS)', () => {
    expect(protocols.indexOf(socksDatagrams)).toBeGreaterThanOrEqual(0);
    expect(protocols.indexOf(socksDatagrams)).toBeLessThan(protocols.indexOf(dns));
    expect(dns.detect(query, 'to-server')).not.toBe('match');
  });
});

describe('reading a SOCKS UDP relay flow', () => {
  it('tells the destination once, then reads DNS inside: the query and its answer', () => {
    const parser = socksDatagrams.createParser();
    const events = [
      ...parser.parse(query, 'to-server', 1),
      ...parser.parse(answer, 'to-client', 2),
      ...parser.parse(query, 'to-server', 3),
    ];
    expect(lines(events)).toEqual([
      'relay 10.0.0.53:53',
      'tunnel dns',
      'dns query shop.example.com',
      'dns answer shop.example.com',
      'dns query shop.example.com',
    ]);
    expect(events.map((e) => e.direction)).toEqual([
      'to-server',
      'to-server',
      'to-server',
      'to-client',
      'to-server',
    ]);
  });

  it('reads each destination on its own, and names a protocol found at two of them once', () => {
    const parser = socksDatagrams.createParser();
    const other = concat(udpHeaderName('ns2.internal', 53), dnsQuery(9, 'b.example.org'));
    const events = [...parser.parse(query, 'to-server', 1), ...parser.parse(other, 'to-server', 2)];
    expect(lines(events)).toEqual([
      'relay 10.0.0.53:53',
      'tunnel dns',
      'dns query shop.example.com',
      'relay ns2.internal:53',
      'dns query b.example.org',
    ]);
  });

  it('tells a fragment with its position, and does not read it', () => {
    const parser = socksDatagrams.createParser();
    const first = concat(udpHeader4(resolver, 53, 1), dnsQuery(1, 'a.io').subarray(0, 10));
    const last = concat(udpHeader4(resolver, 53, 0x82), dnsQuery(1, 'a.io').subarray(10));
    expect(lines([...parser.parse(first, 'to-server', 1), ...parser.parse(last, 'to-server', 2)])).toEqual([
      'relay 10.0.0.53:53',
      'fragment position=1 target=10.0.0.53:53',
      'fragment position=2 last target=10.0.0.53:53',
    ]);
  });

  it('tells a datagram without a header once, and stops telling destinations past its bound', () => {
    const parser = socksDatagrams.createParser();
    const bad = [
      ...parser.parse(hex('01020304'), 'to-server', 1),
      ...parser.parse(hex('0102'), 'to-server', 2),
    ];
    expect(lines(bad)).toEqual(['malformed a datagram without a SOCKS UDP header']);
    const told: string[] = [];
    for (let i = 0; i <= maxRelayTargets + 2; i++)
      told.push(...lines(parser.parse(concat(udpHeader4([10, 0, 1, i], 53), hex('00')), 'to-server', 3 + i)));
    expect(told.filter((line) => line.startsWith('relay'))).toHaveLength(maxRelayTargets + 1);
    expect(told.at(-1)).toBe(`relay more than ${maxRelayTargets} targets`);
  });

  it('detects among the protocols it is given: none inside when DNS is not one of them', () => {
    const parser = socksDatagrams.createParser({ tunnelDepth: 0, protocols: [socksDatagrams] });
    expect(lines(parser.parse(query, 'to-server', 1))).toEqual(['relay 10.0.0.53:53']);
  });

  it('reads nothing inside past the deepest tunnel', () => {
    const parser = socksDatagrams.createParser({ tunnelDepth: 2, protocols });
    expect(lines(parser.parse(query, 'to-server', 1))).toEqual(['relay 10.0.0.53:53']);
  });

  it('stops reading a destination whose parser throws, tells it, and reads on', () => {
    const parser = socksDatagrams.createParser({ tunnelDepth: 0, protocols: [withBuggyParser(dns)] });
    const events = [...parser.parse(query, 'to-server', 1), ...parser.parse(answer, 'to-client', 2)];
    expect(lines(events)).toEqual(['relay 10.0.0.53:53', 'tunnel dns', 'tunnel-failed dns']);
    expect(lines(parser.end?.() ?? [])).toEqual([]);
  });
});
