import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { DnsMessageEvent } from '#sidecar/events.ts';
import { dns } from '#sidecar/protocols/dns.ts';
import {
  concat,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const name = (labels: string): string =>
  `${labels
    .split('.')
    .map((l) => `${l.length.toString(16).padStart(2, '0')} ${Buffer.from(l).toString('hex')}`)
    .join(' ')} 00`;

// RFC 1035 §4.1.1 header: ID 0x1234, flags 0x0100 (RD), QDCOUNT 1; §4.1.2 question example.com A IN.
const query = hex(`1234 0100 0001 0000 0000 0000 ${name('example.com')} 0001 0001`);

/** A record (§4.1.3) whose owner is a pointer to the question name at offset 12 (§4.1.4: c00c). */
const rr = (type: string, rdata: string, owner = 'c00c'): string =>
  `${owner} ${type} 0001 00000e10 ${hex(rdata).length.toString(16).padStart(4, '0')} ${rdata}`;

const answers = [
  rr('0005', `03 7777 77 c00c`), // CNAME www.example.com (label + pointer)
  rr('0001', '5db8d822'), // A 93.184.216.34
  rr('001c', '2606 2800 0220 0001 0248 1893 25c8 1946'), // AAAA (RFC 3596)
  rr('000f', `000a 04 6d61696c c00c`), // MX 10 mail.example.com
  rr('0010', '05 68656c6c6f 0b 776f726c64202271756f'), // TXT "hello" "world \"quo"
  rr('0021', `0001 0002 01bb ${name('svc.local')}`), // SRV (RFC 2782)
  rr('0006', `02 6e73 c00c 05 61646d696e c00c 00000001 00000e10 00000258 00093a80 0000003c`), // SOA
  rr('000a', 'cafe'), // NULL (iodine tunnels use it)
  rr('1234', '0102'), // an unknown type (RFC 3597 §5)
];
// Flags 0x8180: QR, RD, RA, NOERROR.
const response = hex(
  `1234 8180 0001 ${answers.length.toString(16).padStart(4, '0')} 0000 0000 ${name('example.com')} 0001 0001 ${answers.join(' ')}`,
);

describe('dns detect', () => {
  it('matches whole UDP messages and TCP messages with their length prefix (RFC 1035 §4.2.2)', () => {
    expect(dns.detect(query, 'to-server')).toBe('match');
    expect(dns.detect(response, 'to-client')).toBe('match');
    const framed = concat(hex(query.length.toString(16).padStart(4, '0')), query);
    expect(dns.detect(framed, 'to-server')).toBe('match');
    expect(dns.detect(framed.subarray(0, 1), 'to-server')).toBe('need-more');
    expect(dns.detect(framed.subarray(0, 16), 'to-server')).toBe('need-more');
  });

  it('rejects a query with answers, an unknown class, a name running past the end, a reserved Z bit', () => {
    expect(dns.detect(hex(`1234 0100 0001 0001 0000 0000 ${name('a.b')} 0001 0001`), 'to-server')).toBe(
      'no-match',
    );
    expect(dns.detect(hex(`1234 0100 0001 0000 0000 0000 ${name('a.b')} 0001 0099`), 'to-server')).toBe(
      'no-match',
    );
    expect(dns.detect(hex('1234 0100 0001 0000 0000 0000 05 6162'), 'to-server')).toBe('no-match');
    expect(dns.detect(hex(`1234 0140 0001 0000 0000 0000 ${name('a.b')} 0001 0001`), 'to-server')).toBe(
      'no-match',
    );
  });

  itRejectsForeignBytes(dns, ['dns', 'dns-long', 'dns-malformed', 'dns-iodine']);
});

describe('dns parser', () => {
  it('decodes questions, answers of every supported type, and compressed names', () => {
    const [q, r] = feed(dns, [
      ['to-server', query],
      ['to-client', response],
    ]) as DnsMessageEvent[];
    expect(q).toMatchObject({
      id: 0x1234,
      isResponse: false,
      questions: [{ name: 'example.com', type: 'A' }],
    });
    expect(r?.rcode).toBe('NOERROR');
    expect(r?.transport).toBe('udp');
    expect(r?.answers.map((a) => [a.type, a.data])).toEqual([
      ['CNAME', 'www.example.com'],
      ['A', '93.184.216.34'],
      ['AAAA', '2606:2800:220:1:248:1893:25c8:1946'],
      ['MX', '10 mail.example.com'],
      ['TXT', '"hello" "world \\"quo"'],
      ['SRV', '1 2 443 svc.local'],
      ['SOA', 'ns.example.com admin.example.com 1 3600 600 604800 60'],
      ['NULL', 'cafe'],
      ['TYPE4660', '\\# 2 0102'],
    ]);
    expect(r?.answers[0]).toMatchObject({ name: 'example.com', ttl: 3600 });
    expect(r).not.toHaveProperty('malformed');
  });

  it('names rcodes (NXDOMAIN) and compresses IPv6 zero runs (RFC 5952)', () => {
    const nx = hex(
      `0001 8183 0001 0001 0000 0000 ${name('x.test')} 001c 0001 ${rr('001c', '2001 0db8 0000 0000 0000 0000 0000 0001')}`,
    );
    const [event] = feed(dns, [['to-client', nx]]) as DnsMessageEvent[];
    expect(event?.rcode).toBe('NXDOMAIN');
    expect(event?.answers[0]?.data).toBe('2001:db8::1');
  });

  it('survives compression loops and forward pointers (marked malformed)', () => {
    // The answer owner points at itself (offset 29): a loop. Then a pointer forward.
    const loop = hex(
      `0002 8180 0001 0001 0000 0000 ${name('a.b')} 0001 0001 c01d 0001 0001 00000001 0004 01020304`,
    );
    const forward = hex(
      `0003 8180 0001 0001 0000 0000 ${name('a.b')} 0001 0001 c030 0001 0001 00000001 0004 01020304`,
    );
    for (const bytes of [loop, forward]) {
      expect(dns.detect(bytes, 'to-client')).toBe('no-match');
      const [event] = feed(dns, [['to-client', bytes]]) as DnsMessageEvent[];
      expect(event).toMatchObject({ malformed: true, answers: [], questions: [{ name: 'a.b', type: 'A' }] });
    }
  });

  it('frames TCP messages: two in one chunk, and the same events for every split point', () => {
    const framedQuery = concat(hex(query.length.toString(16).padStart(4, '0')), query);
    const framedResponse = concat(hex(response.length.toString(16).padStart(4, '0')), response);
    const segments: Segment[] = [
      ['to-server', concat(framedQuery, framedQuery)],
      ['to-client', framedResponse],
    ];
    const events = feed(dns, segments) as DnsMessageEvent[];
    expect(events.map((e) => [e.transport, e.isResponse, e.size])).toEqual([
      ['tcp', false, query.length],
      ['tcp', false, query.length],
      ['tcp', true, response.length],
    ]);
    expect(everySplitAgrees(dns, segments).mismatch).toBeUndefined();
  });

  it('decodes nDPI captures: WhatsApp A records, a long tunnel-like name, iodine NULL records, a malformed answer', () => {
    const whatsapp = ndpiFlows('dns').find((f) => f.stream === 1);
    const answer = feed(dns, whatsapp?.segments ?? [])[1] as DnsMessageEvent;
    expect(answer.answers[0]).toEqual({
      name: 'e7.whatsapp.net',
      type: 'A',
      ttl: 491,
      data: '169.45.219.235',
    });
    const [long] = ndpiFlows('dns-long');
    expect((feed(dns, long?.segments ?? [])[1] as DnsMessageEvent).rcode).toBe('NXDOMAIN');
    const [iodine] = ndpiFlows('dns-iodine');
    const tunnel = feed(dns, iodine?.segments ?? []) as DnsMessageEvent[];
    expect(tunnel.length).toBeGreaterThan(40);
    expect(tunnel[1]?.answers[0]).toMatchObject({ type: 'NULL', data: '5641434b4403c5e901' });
    const [bad] = ndpiFlows('dns-malformed');
    const replies = (feed(dns, bad?.segments ?? []) as DnsMessageEvent[]).filter((e) => e.isResponse);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((e) => e.malformed)).toBe(true);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(dns, 3, 0x86aa)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(dns, ['to-server', query]).randomMatches).toBe(0);
  });
});

describe('dns on real traffic: a c-ares query from node:dns to a loopback UDP responder', () => {
  it('detects and decodes the query, and the answer we send is one the resolver accepts', async () => {
    const server = dgram.createSocket('udp4');
    const seen: Segment[] = [];
    server.on('message', (msg, peer) => {
      seen.push(['to-server', Uint8Array.from(msg)]);
      // Same ID and question, QR|RD|RA, one answer: pointer to the question name, A, IN, TTL 60, 10.0.0.7.
      let end = 12;
      while ((msg[end] ?? 0) > 0) end += (msg[end] ?? 0) + 1;
      const answer = Buffer.concat([
        msg.subarray(0, 2),
        Buffer.from('81800001000100000000', 'hex'),
        msg.subarray(12, end + 5),
        Buffer.from('c00c000100010000003c00040a000007', 'hex'),
      ]);
      seen.push(['to-client', Uint8Array.from(answer)]);
      server.send(answer, peer.port, peer.address);
    });
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.address().port}`]);
    expect(await resolver.resolve4('orders.shop.internal')).toEqual(['10.0.0.7']);
    server.close();
    expect(dns.detect(seen[0]?.[1] ?? new Uint8Array(), 'to-server')).toBe('match');
    const events = feed(dns, seen) as DnsMessageEvent[];
    expect(events[0]?.questions).toEqual([{ name: 'orders.shop.internal', type: 'A' }]);
    expect(events[1]?.answers).toEqual([
      { name: 'orders.shop.internal', type: 'A', ttl: 60, data: '10.0.0.7' },
    ]);
  });
});

/** The question section's end (§4.1.2): past the name's labels, QTYPE and QCLASS. */
const questionEnd = (msg: Uint8Array): number => {
  let end = 12;
  while ((msg[end] ?? 0) > 0) end += (msg[end] ?? 0) + 1;
  return end + 5;
};

describe('dns on real traffic: c-ares falls back to TCP after a truncated UDP answer (RFC 1035 §4.2.2)', () => {
  it('detects the length-prefixed TCP query and decodes the TCP answer', async () => {
    const udp = dgram.createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const port = udp.address().port;
    // TC bit set (0x8380): the resolver must retry over TCP on the same port.
    udp.on('message', (msg, peer) => {
      const end = questionEnd(msg);
      const reply = Buffer.concat([
        msg.subarray(0, 2),
        Buffer.from('83800001000000000000', 'hex'),
        msg.subarray(12, end),
      ]);
      udp.send(reply, peer.port, peer.address);
    });
    const seen: Segment[] = [];
    const tcp = net.createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', (data: Buffer) => {
        seen.push(['to-server', Uint8Array.from(data)]);
        buffered = Buffer.concat([buffered, data]);
        if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
        const msg = buffered.subarray(2);
        const body = Buffer.concat([
          msg.subarray(0, 2),
          Buffer.from('81800001000100000000', 'hex'),
          msg.subarray(12, questionEnd(msg)),
          Buffer.from('c00c000100010000003c00040a000009', 'hex'),
        ]);
        const framed = Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
        seen.push(['to-client', Uint8Array.from(framed)]);
        socket.end(framed);
      });
    });
    tcp.listen(port, '127.0.0.1');
    await once(tcp, 'listening');
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    expect(await resolver.resolve4('big.shop.internal')).toEqual(['10.0.0.9']);
    udp.close();
    tcp.close();
    expect(detectFlow(dns, seen)).toBe(true);
    const events = feed(dns, seen) as DnsMessageEvent[];
    expect(events.map((e) => [e.transport, e.isResponse, e.questions[0]?.name])).toEqual([
      ['tcp', false, 'big.shop.internal'],
      ['tcp', true, 'big.shop.internal'],
    ]);
    expect(events[1]?.answers[0]?.data).toBe('10.0.0.9');
  });
});
