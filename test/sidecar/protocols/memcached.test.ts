import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { memcached } from '#sidecar/protocols/memcached.ts';
import {
  ascii,
  concat,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { startRecorder } from './loopback-recorder.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';
import { converse, freePort, startServer } from './real-server.ts';

const ops = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map((e) =>
    `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail ?? ''}`.trim(),
  );

/** Binary header (memcached binary protocol §3): magic, opcode, key length, extras length, data type, vbucket/status, body length, opaque, CAS. */
const binary = (
  magic: number,
  opcode: number,
  extras: string,
  key: string,
  value: string,
  status = 0,
): Uint8Array => {
  const e = hex(extras);
  const k = ascii(key);
  const v = ascii(value);
  const header = new Uint8Array(24);
  const view = new DataView(header.buffer);
  header[0] = magic;
  header[1] = opcode;
  view.setUint16(2, k.length);
  header[4] = e.length;
  view.setUint16(6, status);
  view.setUint32(8, e.length + k.length + v.length);
  return concat(header, e, k, v);
};

describe('memcached detect', () => {
  it('matches text commands with exact syntax, and memcached-only replies', () => {
    for (const line of [
      'get user:1\r\n',
      'gets a b c\r\n',
      'set k 0 300 5\r\nhello\r\n',
      'cas k 0 0 1 99 noreply\r\n',
      'incr hits 1\r\n',
      'stats\r\n',
      'stats slabs\r\n',
      'version\r\n',
      'flush_all\r\n',
      'mg foo v\r\n',
    ]) {
      expect(memcached.detect(ascii(line), 'to-server'), line).toBe('match');
    }
    for (const line of [
      'VALUE k 0 5\r\n',
      'END\r\n',
      'STORED\r\n',
      'STAT pid 1\r\n',
      'VERSION 1.6.18\r\n',
      'SERVER_ERROR out of memory\r\n',
    ]) {
      expect(memcached.detect(ascii(line), 'to-client'), line).toBe('match');
    }
  });

  it('matches binary requests and responses with consistent headers', () => {
    expect(memcached.detect(binary(0x80, 0x00, '', 'foo', ''), 'to-server')).toBe('match');
    expect(memcached.detect(binary(0x80, 0x01, 'deadbeef00000e10', 'foo', 'bar'), 'to-server')).toBe('match');
    expect(memcached.detect(binary(0x81, 0x00, 'deadbeef', '', 'bar'), 'to-client')).toBe('match');
    expect(memcached.detect(binary(0x80, 0x00, '', 'foo', '').subarray(0, 10), 'to-server')).toBe(
      'need-more',
    );
  });

  it('needs more on prefixes and rejects wrong syntax, uppercase verbs and Redis-style commands', () => {
    expect(memcached.detect(ascii('ge'), 'to-server')).toBe('need-more');
    expect(memcached.detect(ascii('set k 0 0 5'), 'to-server')).toBe('need-more');
    for (const line of [
      'set k 0 0\r\n',
      'GET k\r\n',
      'incr k\r\n',
      'touch k 10\r\n',
      'quit\r\n',
      'get\r\n',
      'PING\r\n',
    ]) {
      expect(memcached.detect(ascii(line), 'to-server'), line).toBe('no-match');
    }
    // Set without its 8 octets of extras; an unknown opcode; a key longer than the body.
    expect(memcached.detect(binary(0x80, 0x01, '', 'foo', 'bar'), 'to-server')).toBe('no-match');
    expect(memcached.detect(binary(0x80, 0x7f, '', 'foo', ''), 'to-server')).toBe('no-match');
    expect(
      memcached.detect(hex('80 00 0010 00 00 0000 00000003 00000000 0000000000000000'), 'to-server'),
    ).toBe('no-match');
    expect(memcached.detect(ascii('OK\r\n'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(memcached, ['memcached']);
});

describe('memcached parser', () => {
  // protocol.txt: storage commands carry <bytes> of data then CRLF; VALUE replies likewise.
  const text: Segment[] = [
    [
      'to-server',
      ascii('set session:1 0 300 12\r\nget x\r\nEND\r\n\r\nget session:1 other\r\ndelete gone\r\n'),
    ],
    [
      'to-client',
      ascii(
        'STORED\r\nVALUE session:1 0 5\r\nEND\r\n\r\nEND\r\nNOT_FOUND\r\nCLIENT_ERROR bad data chunk\r\n',
      ),
    ],
  ];

  it('emits commands with their keys, skips data blocks that look like commands, reports errors', () => {
    expect(ops(feed(memcached, text))).toEqual([
      'C set session:1 0 300 12',
      'C get session:1 other',
      'C delete gone',
      'S CLIENT_ERROR bad data chunk',
    ]);
    expect(everySplitAgrees(memcached, text).mismatch).toBeUndefined();
  });

  it('parses the binary protocol: requests by opcode name and failed responses', () => {
    const segments: Segment[] = [
      [
        'to-server',
        concat(binary(0x80, 0x01, 'deadbeef00000e10', 'k1', 'value'), binary(0x80, 0x0c, '', 'k2', '')),
      ],
      ['to-client', concat(binary(0x81, 0x01, '', '', ''), binary(0x81, 0x0c, '', '', 'Not found', 1))],
    ];
    expect(ops(feed(memcached, segments))).toEqual(['C set k1', 'C getk k2', 'S error status 0x1']);
    expect(everySplitAgrees(memcached, segments).mismatch).toBeUndefined();
  });

  it('returns every command of a chunk as an event (ADR 29), and the next chunk is still understood', () => {
    const parser = memcached.createParser();
    const first = parser.parse(ascii('set big 0 0 3\r\nabc\r\n'.repeat(200)), 'to-server', 1);
    expect(first).toHaveLength(200);
    expect(ops(parser.parse(ascii('delete last\r\n'), 'to-server', 2))).toEqual(['C delete last']);
  });

  it('reads a multi-get past 2048 octets as the keys whole in its first 2048, passes over the rest, reads on', () => {
    // 300 keys of 7 octets: the line is 2,403 octets; its first 2,048 hold 255 keys whole and a piece of the 256th.
    const keys = Array.from({ length: 300 }, (_, i) => `key${String(i).padStart(4, '0')}`);
    const head = keys.slice(0, 255).join(' ');
    for (const [line, event] of [
      [`get ${keys.join(' ')}`, `C get ${head}`],
      [`  gets ${keys.join(' ')}`, `C gets ${head}`],
      [`gat 60 ${keys.slice(1).join(' ')}`, `C gat 60 ${keys.slice(1, 256).join(' ')}`],
    ] as const) {
      const segments: Segment[] = [['to-server', ascii(`${line}\r\ndelete last\r\n`)]];
      expect(ops(feed(memcached, segments))).toEqual([event, 'C delete last']);
      expect(everySplitAgrees(memcached, segments).mismatch).toBeUndefined();
    }
    // Sent in pieces: the line's rest is passed over as it comes, however long.
    const long = `get ${keys.join(' ')} ${keys.join(' ')} ${keys.join(' ')}\r\n`;
    const parser = memcached.createParser();
    const events = Array.from({ length: Math.ceil(long.length / 1000) }, (_, i) =>
      parser.parse(ascii(long.slice(i * 1000, i * 1000 + 1000)), 'to-server', i),
    ).flat();
    events.push(...parser.parse(ascii('delete last\r\n'), 'to-server', 9));
    expect(ops(events)).toEqual([`C get ${head}`, 'C delete last']);
  });

  it('stops a side at any other line past 2048 octets (memcached closes the connection), whole or in pieces', () => {
    for (const line of [
      `stats ${'x'.repeat(3000)}`,
      `set ${'k'.repeat(3000)} 0 0 1`,
      `get${'x'.repeat(3000)}`,
    ]) {
      const segments: Segment[] = [['to-server', ascii(`${line}\r\ndelete last\r\n`)]];
      expect(ops(feed(memcached, segments))).toEqual([]);
      expect(everySplitAgrees(memcached, segments).mismatch).toBeUndefined();
    }
    // The server's side alone: the client's commands are still read.
    const parser = memcached.createParser();
    parser.parse(ascii(`SERVER_ERROR ${'x'.repeat(3000)}\r\n`), 'to-client', 1);
    expect(ops(parser.parse(ascii('SERVER_ERROR out of memory\r\n'), 'to-client', 2))).toEqual([]);
    expect(ops(parser.parse(ascii('delete last\r\n'), 'to-server', 3))).toEqual(['C delete last']);
  });

  it('decodes nDPI memcached.cap (stats)', () => {
    const [flow] = ndpiFlows('memcached');
    expect(flow && detectFlow(memcached, flow.segments)).toBe(true);
    expect(ops(feed(memcached, flow?.segments ?? []))).toEqual(['C stats']);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(memcached, 3, 0x0103)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(memcached, text[0] as Segment).randomMatches).toBe(0);
  });
});

describe('memcached on real traffic: memcached 1.6 on loopback', () => {
  it('identifies text and binary sessions and follows the server replies', async () => {
    const port = await freePort();
    const server = await startServer(
      'memcached',
      ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-u', 'nobody'],
      port,
    );
    const recorder = await startRecorder(port);
    await converse(recorder.port, [
      'set cart:9 0 60 4\r\nabcd\r\n',
      'get cart:9 missing\r\n',
      'incr cart:9 1\r\n',
      'bogus\r\n',
    ]);
    const textChunks = recorder.chunks.splice(0);
    await converse(recorder.port, [
      binary(0x80, 0x01, '0000000000000000', 'bk', 'v'),
      binary(0x80, 0x00, '', 'nokey', ''),
    ]);
    await recorder.close();
    await server.stop();
    const textSegments = textChunks.map((c): Segment => [c.direction, c.bytes]);
    expect(detectFlow(memcached, textSegments)).toBe(true);
    expect(ops(feed(memcached, textSegments))).toEqual([
      'C set cart:9 0 60 4',
      'C get cart:9 missing',
      'C incr cart:9 1',
      'S CLIENT_ERROR cannot increment or decrement non-numeric value',
      'S ERROR',
    ]);
    const binarySegments = recorder.chunks.map((c): Segment => [c.direction, c.bytes]);
    expect(detectFlow(memcached, binarySegments)).toBe(true);
    expect(ops(feed(memcached, binarySegments))).toEqual(['C set bk', 'C get nokey', 'S error status 0x1']);
  });
});
