/**
 * Writes a large synthetic capture for the throughput benchmark: thousands of flows replaying real
 * sessions (bench/fixtures/sessions.json, extracted from real captures) with fresh addresses and
 * random server ports, interleaved, plus bulk HTTP downloads. Classic pcap, Ethernet/IPv4.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Message = { fromClient: boolean; hex: string };
type Session = {
  source: string;
  transport: 'tcp' | 'udp';
  label: string;
  serverPort?: number;
  messages: Message[];
};
type Packet = { fromClient: boolean; flags: number; payload: Uint8Array; seqDelta?: number };

export type SyntheticFlow = {
  client: string;
  server: string;
  transport: 'tcp' | 'udp';
  truth: string;
  template: string;
};
export type SyntheticCapture = { path: string; bytes: number; packets: number; flows: SyntheticFlow[] };

const realTrafficTruth: Record<number, string> = {
  5432: 'redis',
  6379: 'postgresql',
  11211: 'mysql',
  1883: 'memcached',
  3306: 'mqtt',
  27017: 'http',
  9092: 'tls',
  5672: 'http2',
  4222: 'grpc',
  80: 'ssh',
  443: 'dns',
  2181: 'nats',
};
const corpusTruth: Record<string, string> = {
  'http.pcapng': 'http',
  'http2.pcapng': 'http2',
  'tls_esni_sni_both.pcap': 'tls',
  'dns.pcap': 'dns',
  'mysql.pcapng': 'mysql',
  'pgsql.pcap': 'postgresql',
  'mongodb.pcap': 'mongodb',
  'kafka.pcapng': 'kafka',
  'amqp.pcap': 'amqp',
  'mqtt.pcap': 'mqtt',
  'memcached.cap': 'memcached',
  'ssh.pcap': 'ssh',
  'cassandra.pcap': 'cassandra',
  'nats.pcap': 'nats',
  'smtp.pcap': 'smtp',
  'resp.pcap': 'redis',
};

const truthOf = (session: Session): string =>
  session.source === 'real-traffic'
    ? (realTrafficTruth[session.serverPort ?? 0] ?? 'unknown')
    : (corpusTruth[session.source] ?? 'unknown');

const FIN = 1;
const SYN = 2;
const PSH = 8;
const ACK = 16;
const mss = 1448;

const loadSessions = (): Session[] =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'sessions.json'), 'utf8')) as {
      sessions: Session[];
    }
  ).sessions;

const ipv4Checksum = (header: Buffer): number => {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
};

type Endpoints = { clientIp: number; serverIp: number; clientPort: number; serverPort: number };

const frame = (e: Endpoints, p: Packet, transport: 'tcp' | 'udp', seq: number, ack: number): Buffer => {
  const l4 = transport === 'tcp' ? 20 : 8;
  const buf = Buffer.alloc(14 + 20 + l4 + p.payload.length);
  buf.writeUInt32BE(0x02000000, 0);
  buf.writeUInt16BE(p.fromClient ? 2 : 1, 4);
  buf.writeUInt32BE(0x02000000, 6);
  buf.writeUInt16BE(p.fromClient ? 1 : 2, 10);
  buf.writeUInt16BE(0x0800, 12);
  buf.writeUInt8(0x45, 14);
  buf.writeUInt16BE(20 + l4 + p.payload.length, 16);
  buf.writeUInt16BE(0x4000, 20);
  buf.writeUInt8(64, 22);
  buf.writeUInt8(transport === 'tcp' ? 6 : 17, 23);
  buf.writeUInt32BE(p.fromClient ? e.clientIp : e.serverIp, 26);
  buf.writeUInt32BE(p.fromClient ? e.serverIp : e.clientIp, 30);
  buf.writeUInt16BE(ipv4Checksum(buf.subarray(14, 34)), 24);
  buf.writeUInt16BE(p.fromClient ? e.clientPort : e.serverPort, 34);
  buf.writeUInt16BE(p.fromClient ? e.serverPort : e.clientPort, 36);
  if (transport === 'tcp') {
    buf.writeUInt32BE(seq >>> 0, 38);
    buf.writeUInt32BE(ack >>> 0, 42);
    buf.writeUInt8(0x50, 46);
    buf.writeUInt8(p.flags, 47);
    buf.writeUInt16BE(65535, 48);
  } else {
    buf.writeUInt16BE(8 + p.payload.length, 38);
  }
  buf.set(p.payload, 14 + 20 + l4);
  return buf;
};

const segment = (fromClient: boolean, data: Uint8Array): Packet[] => {
  const out: Packet[] = [];
  for (let offset = 0; offset < data.length; offset += mss) {
    out.push({ fromClient, flags: ACK | PSH, payload: data.subarray(offset, offset + mss) });
  }
  return out;
};

const tcpPackets = (messages: { fromClient: boolean; data: Uint8Array }[]): Packet[] => [
  { fromClient: true, flags: SYN, payload: new Uint8Array() },
  { fromClient: false, flags: SYN | ACK, payload: new Uint8Array() },
  { fromClient: true, flags: ACK, payload: new Uint8Array() },
  ...messages.flatMap((message) => segment(message.fromClient, message.data)),
  { fromClient: true, flags: FIN | ACK, payload: new Uint8Array() },
  { fromClient: false, flags: FIN | ACK, payload: new Uint8Array() },
  { fromClient: true, flags: ACK, payload: new Uint8Array() },
];

/** Serialises one flow's packets with consistent sequence numbers on both sides. */
const flowFrames = (e: Endpoints, packets: Packet[], transport: 'tcp' | 'udp', isn: number): Buffer[] => {
  let clientSeq = isn;
  let serverSeq = isn ^ 0x5a5a5a5a;
  return packets.map((p) => {
    const seq = p.fromClient ? clientSeq : serverSeq;
    const ack = p.fromClient ? serverSeq : clientSeq;
    const advance = p.payload.length + ((p.flags & (SYN | FIN)) !== 0 ? 1 : 0);
    if (p.fromClient) clientSeq = (clientSeq + advance) >>> 0;
    else serverSeq = (serverSeq + advance) >>> 0;
    return frame(e, p, transport, seq, ack);
  });
};

const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const ipText = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');

type Rand = (max: number) => number;

const seeded = (seed: number): Rand => {
  let state = seed;
  return (max) => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state % max;
  };
};

/** A pcap file being written, with back-pressure. */
const pcapSink = (path: string, rand: Rand) => {
  const out = createWriteStream(path);
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  out.write(header);
  const totals = { bytes: 24, packets: 0 };
  let time = 1_764_000_000_000_000n;
  const write = async (data: Buffer) => {
    const record = Buffer.alloc(16);
    time += BigInt(1 + rand(50));
    record.writeUInt32LE(Number(time / 1_000_000n), 0);
    record.writeUInt32LE(Number(time % 1_000_000n), 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    totals.bytes += 16 + data.length;
    totals.packets += 1;
    const recordFlushed = out.write(record);
    if (!(out.write(data) && recordFlushed))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const close = () =>
    new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  return { write, close, totals };
};

type LoadedSession = Session & { data: { fromClient: boolean; data: Uint8Array }[] };

const bulkMessages = (index: number, body: Buffer) => [
  {
    fromClient: true,
    data: Buffer.from(
      `GET /downloads/image-${index}.tar HTTP/1.1\r\nHost: files.shop.test\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`,
    ),
  },
  {
    fromClient: false,
    data: Buffer.concat([
      Buffer.from(
        `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]),
  },
];

const makeFlow = (index: number, session: LoadedSession, bulkBody: Buffer | undefined, rand: Rand) => {
  const e: Endpoints = {
    clientIp: ip(10, 1 + (index % 200), (index >>> 8) & 255, 1 + (index & 127)),
    serverIp: ip(10, 250, (index >>> 6) & 255, 1 + rand(250)),
    clientPort: 32768 + (index % 28000),
    serverPort: 20000 + rand(20000),
  };
  const messages = bulkBody === undefined ? session.data : bulkMessages(index, bulkBody);
  const transport = bulkBody === undefined ? session.transport : 'tcp';
  const packets =
    transport === 'tcp'
      ? tcpPackets(messages)
      : messages.map((m) => ({ fromClient: m.fromClient, flags: 0, payload: m.data }));
  const flow: SyntheticFlow = {
    client: `${ipText(e.clientIp)}:${e.clientPort}`,
    server: `${ipText(e.serverIp)}:${e.serverPort}`,
    transport,
    truth: bulkBody === undefined ? truthOf(session) : 'http',
    template: bulkBody === undefined ? session.label : 'bulk-http',
  };
  return { flow, frames: flowFrames(e, packets, transport, rand(0xffffffff)) };
};

/** Interleaves a group of flows round-robin, as concurrent connections appear on a wire. */
const writeInterleaved = async (sink: ReturnType<typeof pcapSink>, group: Buffer[][]): Promise<void> => {
  const longest = Math.max(...group.map((frames) => frames.length));
  for (let round = 0; round < longest; round += 1) {
    for (const frames of group) {
      const data = frames[round];
      if (data !== undefined) await sink.write(data);
    }
  }
};

export const generateSyntheticCapture = async (
  path: string,
  options: { targetBytes?: number; bulkShare?: number; seed?: number } = {},
): Promise<SyntheticCapture> => {
  const target = options.targetBytes ?? 200 * 1024 * 1024;
  const bulkTarget = target * (options.bulkShare ?? 0.6);
  const sessions: LoadedSession[] = loadSessions().map((s) => ({
    ...s,
    data: s.messages.map((m) => ({ fromClient: m.fromClient, data: Buffer.from(m.hex, 'hex') })),
  }));
  const rand = seeded(options.seed ?? 42);
  const sink = pcapSink(path, rand);
  const bulkBody = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < bulkBody.length; i += 4) bulkBody.writeUInt32LE(rand(0xffffffff), i);
  const flows: SyntheticFlow[] = [];
  let bulkBytes = 0;
  let index = 0;
  while (sink.totals.bytes < target) {
    const group: Buffer[][] = [];
    for (let k = 0; k < 128; k += 1, index += 1) {
      const bulk = bulkBytes < bulkTarget && index % 97 === 0;
      if (bulk) bulkBytes += bulkBody.length;
      const made = makeFlow(
        index,
        sessions[rand(sessions.length)] as LoadedSession,
        bulk ? bulkBody : undefined,
        rand,
      );
      flows.push(made.flow);
      group.push(made.frames);
    }
    await writeInterleaved(sink, group);
  }
  await sink.close();
  return { path, bytes: sink.totals.bytes, packets: sink.totals.packets, flows };
};
