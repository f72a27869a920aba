/**
 * Many messages in one segment (ADR 29). A client may pipeline requests, and on loopback, or in a capture taken
 * after GRO, one segment can carry 64 KiB of them. Parsers used to return at most 64 events per call and drop the
 * rest without a word, so 64 harmless requests before an attack hid it from every detector. Each case below puts
 * 100 harmless messages and then the attack into one segment; the attack must still be reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-event-volume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const padding = 100;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));
const times = (part: Uint8Array, n: number): Uint8Array[] => Array.from({ length: n }, () => part);

let n = 0;
const threatsOf = async (serverPort: number, messages: Message[]): Promise<string[]> => {
  const file = join(dir, `c${n++}.pcap`);
  const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort };
  writeFileSync(file, writePcap(tcpConversation(endpoints, messages)).bytes);
  const { findings } = await inspectFile(file, { observers: defaultObservers() });
  return splitFindings(findings).threats.map((f) => f.threat);
};

/** RFC 7540 §4.1 frame: length (24), type, flags, stream (31). */
const h2Frame = (type: number, flags: number, stream: number, payload: Uint8Array): Uint8Array =>
  concat([
    Uint8Array.of(payload.length >> 16, (payload.length >> 8) & 0xff, payload.length & 0xff, type, flags),
    Uint8Array.of((stream >>> 24) & 0x7f, (stream >> 16) & 0xff, (stream >> 8) & 0xff, stream & 0xff),
    payload,
  ]);
/** RFC 7541: :method GET (static 2), :scheme http (6), :path and :authority as literals with indexed names. */
const h2Get = (stream: number, path: string): Uint8Array =>
  h2Frame(
    1,
    0x05,
    stream,
    concat([Uint8Array.of(0x82, 0x86, 0x04, path.length), text(path), Uint8Array.of(0x01, 4), text('shop')]),
  );

/** RFC 1035 §4.2.2: a length-prefixed query for `name` of type `type` (252 is AXFR). */
const dnsTcpQuery = (id: number, name: string, type: number): Uint8Array => {
  const labels = name.split('.').flatMap((label) => [label.length, ...text(label)]);
  const body = [
    id >> 8,
    id & 0xff,
    0x01,
    0x00,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    ...labels,
    0,
    type >> 8,
    type & 0xff,
    0,
    1,
  ];
  return Uint8Array.of(body.length >> 8, body.length & 0xff, ...body);
};

/** PostgreSQL v3: a startup message, then simple queries. */
const pgStartup = (): Uint8Array => {
  const body = concat([Uint8Array.of(0, 3, 0, 0), text('user\0app\0database\0shop\0\0')]);
  return concat([Uint8Array.of(0, 0, (body.length + 4) >> 8, (body.length + 4) & 0xff), body]);
};
const pgQuery = (sql: string): Uint8Array => {
  const length = sql.length + 5;
  return concat([Uint8Array.of(0x51, 0, 0, length >> 8, length & 0xff), text(`${sql}\0`)]);
};

describe('an attack after 100 harmless messages in the same segment is still seen', () => {
  it('HTTP/1.1: a SQL injection after 100 pipelined requests', async () => {
    const harmless = text('GET / HTTP/1.1\r\nHost: shop\r\n\r\n');
    const attack = text("GET /search?q=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: shop\r\n\r\n");
    const threats = await threatsOf(8080, [
      { from: 'client', data: concat([...times(harmless, padding), attack]) },
      { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' },
    ]);
    expect(threats).toContain('sql-injection');
  });

  it('HTTP/2: a SQL injection on the stream after 100 others', async () => {
    const preface = concat([text('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), h2Frame(4, 0, 0, new Uint8Array(0))]);
    const streams = Array.from({ length: padding }, (_, i) => h2Get(2 * i + 1, '/'));
    const attack = h2Get(2 * padding + 1, "/search?q=1'%20OR%20'1'='1");
    const threats = await threatsOf(8080, [
      { from: 'client', data: concat([preface, ...streams, attack]) },
      { from: 'server', data: h2Frame(4, 0, 0, new Uint8Array(0)) },
    ]);
    expect(threats).toContain('sql-injection');
  });

  it('TLS: a Heartbleed request after 100 honest heartbeats', async () => {
    // An honest heartbeat: no payload and 16 octets of padding (RFC 6520 §4).
    const record = concat([Uint8Array.of(0x18, 3, 3, 0, 19, 1, 0, 0), new Uint8Array(16)]);
    const heartbleed = Uint8Array.of(0x18, 3, 3, 0, 3, 1, 0x40, 0);
    const threats = await threatsOf(443, [
      { from: 'client', data: clientHelloSample },
      { from: 'client', data: concat([...times(record, padding), heartbleed]) },
    ]);
    expect(threats).toContain('heartbleed');
  });

  it('DNS over TCP: a zone transfer after 100 queries', async () => {
    const queries = Array.from({ length: padding }, (_, i) => dnsTcpQuery(i, 'shop.example', 1));
    const threats = await threatsOf(53, [
      { from: 'client', data: concat([...queries, dnsTcpQuery(padding, 'example', 252)]) },
    ]);
    expect(threats).toContain('dns-zone-transfer');
  });

  it('PostgreSQL: a table copied out after 100 queries', async () => {
    const threats = await threatsOf(5432, [
      { from: 'client', data: pgStartup() },
      { from: 'server', data: Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49) },
      {
        from: 'client',
        data: concat([...times(pgQuery('SELECT 1'), padding), pgQuery('COPY users TO stdout')]),
      },
    ]);
    expect(threats).toContain('database-dump');
  });

  it('Redis: MODULE LOAD after 100 PINGs', async () => {
    const ping = text('*1\r\n$4\r\nPING\r\n');
    const attack = text('*3\r\n$6\r\nMODULE\r\n$4\r\nLOAD\r\n$11\r\n/tmp/exp.so\r\n');
    const threats = await threatsOf(6379, [
      { from: 'client', data: concat([...times(ping, padding), attack]) },
    ]);
    expect(threats).toContain('redis-abuse');
  });
});
