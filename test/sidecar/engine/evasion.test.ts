/**
 * Evasion: a SQL injection the pod's Linux kernel would hand to the server must reach the threat detectors however
 * the client cuts, reorders, overlaps, fragments or decorates its packets (docs/evasion.md). Each test fails on the
 * engine before its fix.
 */
import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import {
  badTcpChecksum,
  ethernetFrame,
  flags,
  ipv4Packet,
  sealed,
  sllFrame,
  tcp4Frame,
} from '../decode/build-frame.ts';
import { type Message, tcpConversation } from './conversation.ts';

const web = { client: '10.1.0.1', server: '10.1.0.2', clientPort: 41000, serverPort: 8080 };
const attack = `GET /items?id=1%27%20OR%20%271%27%3D%271 HTTP/1.1\r\nHost: shop.local\r\nUser-Agent: curl/8.5\r\n\r\n`;
const reply: Message = { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' };

/** The flows' protocols and the threats the engine, with the default detectors, finds in these records. */
const inspect = (records: readonly PacketRecord[], localAddresses: string[] = []) => {
  const engine = createEngine({ observers: defaultObservers(), localAddresses });
  for (const r of records) engine.push(r);
  const findings = engine.flush();
  const { flows, threats } = splitFindings(findings);
  return {
    protocols: flows.map((f) => f.protocol),
    notes: flows.flatMap((f) => f.notes ?? []),
    threats: threats.map((f) => f.threat),
  };
};

type Hand = {
  seq: number;
  flags: number;
  payload?: Uint8Array | string;
  urgentPointer?: number;
  options?: number[];
};

/** A TCP packet built by hand (conversation.ts starts the client at 1000 and the server at 5000). */
const handPacket = (from: 'client' | 'server', o: Hand): PacketRecord => {
  const client = from === 'client';
  const data = tcp4Frame({
    src: client ? web.client : web.server,
    dst: client ? web.server : web.client,
    srcPort: client ? web.clientPort : web.serverPort,
    dstPort: client ? web.serverPort : web.clientPort,
    ack: client ? 5001 : 1001,
    ...o,
  });
  return { ts: 1_700_000_000_000, linkType: 1, data, originalLength: data.length, offset: 0 };
};
const clientPacket = (o: Hand) => handPacket('client', o);

/** The TCP timestamps option (RFC 7323), after two NOPs: kind 8, length 10, TSval, TSecr. */
const timestamps = (tsVal: number, tsEcr = 0): number[] => [
  1,
  1,
  8,
  10,
  ...[tsVal, tsEcr].flatMap((v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]),
];

describe('evasion of threat detection', () => {
  it('finds the SQL injection in a request sent whole', () => {
    const seen = inspect(tcpConversation(web, [{ from: 'client', data: attack }, reply]));
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
    expect(seen.threats).not.toContain('tcp-evasion');
  });

  it('finds it when the whole request comes one octet per segment', () => {
    const octets = [...Buffer.from(attack)].map((b): Message => ({ from: 'client', data: Uint8Array.of(b) }));
    const seen = inspect(tcpConversation(web, [...octets, reply]));
    expect(octets.length).toBeGreaterThan(90);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
  });

  it('finds it when the request segment comes as 8-octet IP fragments, last to first', () => {
    // A long Accept header makes the segment ~800 octets: over 64 fragments of 8.
    const long = attack.replace('\r\n\r\n', `\r\nAccept: ${'text/html;q=0.9, '.repeat(40)}*/*\r\n\r\n`);
    const records = tcpConversation(web, [{ from: 'client', data: long }, reply]);
    // Three handshake packets, then the request: Ethernet (14) and IPv4 (20) headers, then the TCP segment.
    const request = records[3] as PacketRecord;
    const segment = request.data.subarray(34);
    const fragments: PacketRecord[] = [];
    for (let at = 0; at < segment.length; at += 8) {
      const ip = ipv4Packet({
        src: web.client,
        dst: web.server,
        protocol: 6,
        id: 77,
        more: at + 8 < segment.length,
        fragmentOffset: at,
        payload: segment.subarray(at, at + 8),
      });
      const data = ethernetFrame(ip, 0x0800);
      fragments.push({ ...request, data, originalLength: data.length });
    }
    records.splice(3, 1, ...fragments.reverse());
    const seen = inspect(records);
    expect(fragments.length).toBeGreaterThan(64);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
  });

  /** A keep-alive connection: a harmless request and its answer, then `injected` client packets, then the attack. */
  const afterInjected = (injected: { seq: number; flags: number; payload?: string }[]) => {
    const records = tcpConversation(web, [
      { from: 'client', data: 'GET / HTTP/1.1\r\nHost: shop.local\r\n\r\n' },
      { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' },
      { from: 'client', data: attack },
      reply,
    ]);
    records.splice(5, 0, ...injected.map(clientPacket));
    return inspect(records).threats;
  };

  it('finds it after a reset the server would drop (not the next sequence number: RFC 5961), and the trick', () => {
    for (const reset of [
      { seq: 0x7000_0000, flags: flags.rst },
      { seq: 1001 + 10, flags: flags.rst | flags.ack },
    ])
      expect(afterInjected([reset])).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
  });

  it('finds it after a reset made to look in order by a forged segment far ahead', () => {
    // The forged segment lies far beyond what the server acknowledged (it drops or holds it); the reset that follows
    // carries the sequence number just after it, which is not the next one the server expects.
    const far = 1001 + 37 + 100_000;
    const threats = afterInjected([
      { seq: far, flags: flags.ack | flags.psh, payload: 'junk' },
      { seq: far + 4, flags: flags.rst },
    ]);
    expect(threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
  });

  it('finds it after a reset from a client the tap has not heard yet, checked against what the server acknowledged', () => {
    // The capture starts mid-connection: the server's ACK says it expects 1001 from the client; a reset at another
    // number is dropped by the server, so the tap must keep reading the request that follows.
    const records = tcpConversation(web, [{ from: 'client', data: attack }, reply], {
      handshake: false,
      clientIsn: 1001,
      serverIsn: 5001,
    });
    records.unshift(
      handPacket('server', { seq: 5001, flags: flags.ack }),
      clientPacket({ seq: 0x7000_0000, flags: flags.rst }),
    );
    expect(inspect(records).threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
  });

  it('finds it after a stale FIN (a sequence number already passed) from the client, and the trick', () => {
    // The client's data begins at 1001, so a FIN there is long past.
    expect(afterInjected([{ seq: 1001, flags: flags.fin | flags.ack }])).toEqual(
      expect.arrayContaining(['sql-injection', 'tcp-evasion']),
    );
  });

  it('finds it when overlapping out-of-order segments carry a harmless copy first (Linux keeps the other)', () => {
    const request = Buffer.from(attack);
    const harmless = Buffer.from(request);
    harmless.fill('a'.charCodeAt(0), 20, 40);
    const segment = (offset: number, payload: Uint8Array) =>
      clientPacket({ seq: 1001 + offset, flags: flags.ack | flags.psh, payload });
    // Held ahead of the hole at 0..5: first the harmless bytes from 20, then the real ones from 5, which start
    // earlier and so replace them in Linux's queue; then the hole fills.
    const records = tcpConversation(web, [reply]);
    records.splice(
      3,
      0,
      segment(20, harmless.subarray(20)),
      segment(5, request.subarray(5)),
      segment(0, request.subarray(0, 5)),
    );
    expect(inspect(records).threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
  });

  it('finds it behind a forged copy with an older timestamp, which the server drops (PAWS), and the trick', () => {
    const harmless = Buffer.from(attack);
    harmless.fill('a'.charCodeAt(0), 15, 40);
    const data = flags.ack | flags.psh;
    const records = [
      clientPacket({ seq: 1000, flags: flags.syn, options: timestamps(1000) }),
      handPacket('server', { seq: 5000, flags: flags.syn | flags.ack, options: timestamps(7000, 1000) }),
      clientPacket({ seq: 1001, flags: flags.ack, options: timestamps(1001, 7000) }),
      // Same sequence number and length, harmless bytes, a timestamp from the past: Linux drops it.
      clientPacket({ seq: 1001, flags: data, payload: harmless, options: timestamps(500, 7000) }),
      clientPacket({ seq: 1001, flags: data, payload: attack, options: timestamps(1002, 7000) }),
      handPacket('server', {
        seq: 5001,
        flags: data,
        payload: String(reply.data),
        options: timestamps(7001, 1002),
      }),
    ];
    const seen = inspect(records);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
  });

  it('finds it when an urgent octet the server reads out of band is slipped into the request line', () => {
    // A space after "id=1", sent with URG and an urgent pointer just past it: Linux takes that octet out of band
    // (SO_OOBINLINE is off by default), so the server reads the injection; a tap that kept the space would read a
    // request line cut short before it.
    const at = attack.indexOf('%27');
    const records = tcpConversation(web, [reply]);
    const packet = clientPacket({
      seq: 1001,
      flags: flags.ack | flags.psh | flags.urg,
      urgentPointer: at + 1,
      payload: `${attack.slice(0, at)} ${attack.slice(at)}`,
    });
    records.splice(3, 0, packet);
    expect(inspect(records).threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
  });

  it('finds it behind a harmless copy with a bad checksum, which the server drops, once checksums are valid', () => {
    const harmless = attack.replace('1%27%20OR%20%271%27%3D%271', 'x'.repeat(27));
    const seal = (r: PacketRecord): PacketRecord => ({ ...r, data: sealed(r.data) });
    const records = tcpConversation(web, [reply]).map(seal);
    const data = flags.ack | flags.psh;
    const chaff = clientPacket({ seq: 1001, flags: data, payload: harmless });
    records.splice(
      3,
      0,
      { ...chaff, data: badTcpChecksum(chaff.data) },
      seal(clientPacket({ seq: 1001, flags: data, payload: attack })),
    );
    const seen = inspect(records);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
    expect(seen.notes.join('\n')).toContain('to-server: 1 segments with a bad checksum dropped');
  });

  it('reads every segment of a capture taken before checksum offload (loopback, veth): unfinished sums are not bad', () => {
    const offload = (r: PacketRecord): PacketRecord => ({ ...r, data: sealed(r.data, { offloaded: true }) });
    const seen = inspect(tcpConversation(web, [{ from: 'client', data: attack }, reply]).map(offload));
    expect(seen.threats).toContain('sql-injection');
    expect(seen.notes.join('\n')).not.toContain('checksum');
  });

  it('finds it after more separate segments than the bound are sent ahead of the request (the server waits for it)', () => {
    // 1,100 one-octet segments beyond the request, each after a one-octet hole: past the bound the tap used to give
    // up the hole where the request goes, and then read the request as a retransmission.
    const ahead = Array.from({ length: 1100 }, (_, k) =>
      clientPacket({ seq: 1001 + attack.length + 2 * k + 1, flags: flags.ack, payload: 'x' }),
    );
    const records = tcpConversation(web, [{ from: 'client', data: attack }, reply]);
    records.splice(3, 0, ...ahead);
    const seen = inspect(records);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
    expect(seen.notes.join('\n')).toContain('dropped past the bound while the receiver waited');
  });

  it('finds it after a banner forged from the pod’s own address, which its kernel drops as a martian', () => {
    // Captured in the pod as `tcpdump -i any` does (Linux cooked headers say sent or received); the server is the pod.
    // A forged SSH banner "from the server" would make the flow look like SSH, and the request go unread as HTTP.
    const captured = (r: PacketRecord, received = r.data[29] !== 2): PacketRecord => {
      const data = sllFrame(r.data, received ? 0 : 4);
      return { ...r, linkType: 113, data, originalLength: data.length };
    };
    const records = tcpConversation(web, [{ from: 'client', data: attack }, reply]).map((r) => captured(r));
    const banner = handPacket('server', {
      seq: 5001,
      flags: flags.ack | flags.psh,
      payload: 'SSH-2.0-OpenSSH_9.6\r\n',
    });
    records.splice(3, 0, captured(banner, true));
    const seen = inspect(records, [web.server]);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
  });

  it('finds it behind a harmless copy the server discards for its flags: data without ACK, or on a stray SYN', () => {
    const harmless = attack.replace('1%27%20OR%20%271%27%3D%271', 'x'.repeat(27));
    for (const chaff of [
      clientPacket({ seq: 1001, flags: flags.psh, payload: harmless }),
      // A SYN at 1000 (the client's own number) puts its data at 1001, where the request goes; the client is past
      // its handshake, so Linux answers it with a challenge ACK. Another number is no better.
      clientPacket({ seq: 1000, flags: flags.syn | flags.ack, payload: harmless }),
      clientPacket({ seq: 1000 - 7, flags: flags.syn | flags.ack, payload: `${'y'.repeat(7)}${harmless}` }),
    ]) {
      const records = tcpConversation(web, [{ from: 'client', data: attack }, reply]);
      records.splice(3, 0, chaff);
      const seen = inspect(records);
      expect(seen.protocols).toEqual(['http']);
      expect(seen.threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
      expect(seen.notes.join('\n')).toContain('dropped for their flags');
    }
  });
});
