/**
 * Thrift on real traffic: Debian's python3-thrift (0.17) serving and calling through its own protocols and transports
 * (test/fixtures/protocols/thrift-peer.py; THeader with and without its zlib transform), each connection recorded on loopback and written into a pcap on another
 * protocol's port, with Jaeger agent emitBatch datagrams on DNS's and SNMP's; read by the engine.
 */
import { execFile, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { OperationEvent } from '#sidecar/events.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { thrift } from '#sidecar/protocols/thrift.ts';
import { feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { recordedConversations, udpExchange } from '../engine/conversation.ts';
import { type RecordedChunk, startRecorder } from './loopback-recorder.ts';
import { freePort, startServer } from './real-server.ts';

const python = '/usr/bin/python3';
const peer = new URL('../../fixtures/protocols/thrift-peer.py', import.meta.url).pathname;
const run = promisify(execFile);

const missing = (() => {
  try {
    execFileSync(python, ['-c', 'import thrift.protocol.THeaderProtocol'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3-thrift is not installed (apt-get install python3-thrift)';
  }
})();

/** Each mode on the port of a protocol it is not. */
const sessions = {
  'binary-buffered': 6379,
  'compact-framed': 5432,
  'binary-framed-mux': 11211,
  'compact-buffered-mux': 2181,
  'oldbinary-buffered': 9092,
  'oldbinary-framed': 3306,
  'binary-header-mux': 9042,
  'compact-header-zlib-mux': 5672,
  'json-buffered': 1883,
  'json-framed-mux': 389,
} as const;
type Mode = keyof typeof sessions;
/** Jaeger agent datagrams: compact (the agent's 6831) on DNS's port, binary (6832) on SNMP's. */
const datagrams = { compact: 53, binary: 161 } as const;

const record = async (mode: Mode): Promise<RecordedChunk[]> => {
  const port = await freePort();
  const server = await startServer(python, [peer, 'server', String(port), mode], port);
  const recorder = await startRecorder(port);
  try {
    await run(python, [peer, 'client', String(recorder.port), mode], { timeout: 10_000 });
  } finally {
    await recorder.close();
    await server.stop();
  }
  return recorder.chunks;
};

const jaegerDatagram = async (encoding: keyof typeof datagrams): Promise<Uint8Array> => {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const received = once(socket, 'message');
  await run(python, [peer, 'jaeger', String(socket.address().port), encoding], { timeout: 10_000 });
  const [message] = (await received) as [Buffer];
  socket.close();
  return Uint8Array.from(message);
};

const lines = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map(
    (e) => `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail}`,
  );

describe.skipIf(missing !== undefined)(
  `thrift on python3-thrift's own traffic${missing === undefined ? '' : ` (skipped: ${missing})`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-thrift-'));
    const recorded = new Map<Mode, RecordedChunk[]>();
    const sent = new Map<keyof typeof datagrams, Uint8Array>();
    let flows: FlowFinding[] = [];

    beforeAll(async () => {
      for (const mode of Object.keys(sessions) as Mode[]) recorded.set(mode, await record(mode));
      for (const encoding of Object.keys(datagrams) as (keyof typeof datagrams)[])
        sent.set(encoding, await jaegerDatagram(encoding));
      const start = Date.now();
      const records = [...recorded.entries()].flatMap(([mode, chunks], i) =>
        recordedConversations(
          chunks,
          () => ({
            client: '10.0.9.5',
            server: '10.0.9.9',
            clientPort: 45000 + i,
            serverPort: sessions[mode],
          }),
          start + i * 1000,
        ),
      );
      for (const [encoding, bytes] of sent) {
        const endpoints = {
          client: '10.0.9.5',
          server: '10.0.9.9',
          clientPort: 46000,
          serverPort: datagrams[encoding],
        };
        records.push(...udpExchange(endpoints, [{ from: 'client', data: bytes }], start + 20_000));
      }
      const pcap = join(dir, 'thrift.pcap');
      writeFileSync(pcap, writePcap(records).bytes);
      const { findings } = await inspectFile(pcap);
      flows = splitFindings(findings).flows;
    }, 120_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('labels every connection and datagram thrift, on ports that belong to other protocols', () => {
      const byPort = new Map(flows.map((f) => [f.server.port, f]));
      for (const port of [...Object.values(sessions), ...Object.values(datagrams)])
        expect(byPort.get(port)?.protocol, String(port)).toBe('thrift');
      expect(flows).toHaveLength(Object.keys(sessions).length + Object.keys(datagrams).length);
      // Seen from their start, both ways (a datagram's one way is its whole conversation).
      expect(flows.map((f) => f.confidence)).toEqual(flows.map(() => 'dpi'));
    });

    it('summarises methods, services and errors per flow', () => {
      const operations = (port: number) => flows.find((f) => f.server.port === port)?.l7?.operations;
      expect(operations(sessions['binary-buffered'])).toEqual(['add', 'divide', 'error', 'log', 'nosuch']);
      expect(operations(sessions['binary-framed-mux'])).toEqual([
        'Calculator/add',
        'Calculator/divide',
        'error',
        'Calculator/log',
        'Calculator/nosuch',
        'Health/check',
      ]);
      expect(operations(datagrams.compact)).toEqual(['emitBatch']);
      expect(operations(datagrams.binary)).toEqual(['emitBatch']);
    });

    it("tells each call's outcome from the reply with its seqid", () => {
      const events = (mode: Mode) =>
        lines(
          feed(
            thrift,
            (recorded.get(mode) ?? []).map((c): Segment => [c.direction, c.bytes]),
          ),
        );
      expect(events('binary-buffered')).toEqual([
        'C add call binary unframed',
        'S add ok',
        'C divide call binary unframed',
        'S error divide exception field 1: division by zero',
        'C log oneway binary unframed',
        'C nosuch call binary unframed',
        'S error nosuch TApplicationException UNKNOWN_METHOD: Unknown function nosuch',
      ]);
      // The replies carry the bare method name; the service comes from the call with the same seqid.
      expect(events('binary-header-mux')).toEqual([
        'C Calculator/add call binary header',
        'S Calculator/add ok',
        'C Calculator/divide call binary header',
        'S error Calculator/divide exception field 1: division by zero',
        'C Calculator/log oneway binary header',
        'C Calculator/nosuch call binary header',
        'S error Calculator/nosuch TApplicationException UNKNOWN_METHOD: Unknown function nosuch',
        'C Health/check call binary header',
        'S Health/check ok',
      ]);
      // Both sides compress every payload (THeader's zlib transform); the client's first frame has an info header too.
      expect(events('compact-header-zlib-mux').slice(0, 3)).toEqual([
        'C Calculator/add call compact header zlib',
        'S Calculator/add ok',
        'C Calculator/divide call compact header zlib',
      ]);
      expect(events('compact-header-zlib-mux')).toHaveLength(9);
      // TJSONProtocol: the same calls and outcomes, read from the JSON arrays.
      expect(events('json-buffered')).toEqual([
        'C add call json unframed',
        'S add ok',
        'C divide call json unframed',
        'S error divide exception field 1: division by zero',
        'C log oneway json unframed',
        'C nosuch call json unframed',
        'S error nosuch TApplicationException UNKNOWN_METHOD: Unknown function nosuch',
      ]);
      expect(events('json-framed-mux').slice(0, 2)).toEqual([
        'C Calculator/add call json framed',
        'S Calculator/add ok',
      ]);
      expect(events('json-framed-mux')).toHaveLength(9);
      for (const mode of [
        'compact-framed',
        'compact-buffered-mux',
        'oldbinary-buffered',
        'oldbinary-framed',
      ] as const)
        expect(
          events(mode).filter((l) => l.includes('TApplicationException UNKNOWN_METHOD')),
          mode,
        ).toHaveLength(1);
      expect(events('oldbinary-framed')[0]).toBe('C add call binary non-strict framed');
      expect(events('compact-buffered-mux')[0]).toBe('C Calculator/add call compact unframed');
    });
  },
);
