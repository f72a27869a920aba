import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { grpcBody, grpcStrings } from '#sidecar/threats/text/grpc-strings.ts';
import { protobufText } from '#test/fixtures/protocols/protobuf-encode.ts';

const field1 = (value: string): Uint8Array => {
  const bytes = new TextEncoder().encode(value);
  return Uint8Array.from([0x0a, bytes.length, ...bytes]);
};
/** Field 1 as text of any length: a varint length (protobuf encoding guide). */
const field1Long = (value: string): Uint8Array => Uint8Array.from(protobufText(1, value));
/** gRPC's length-prefixed message ("PROTOCOL-HTTP2": Compressed-Flag, Message-Length, Message). */
const frame = (message: Uint8Array, compressed = false): Uint8Array => {
  const out = new Uint8Array(5 + message.length);
  out[0] = compressed ? 1 : 0;
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
};
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

describe('grpcStrings', () => {
  it('reads every message of a client stream, the later ones by index', () => {
    const body = concat(frame(field1('first')), frame(field1('second')));
    expect(grpcStrings(body, 'application/grpc', '')).toEqual([
      ['$.1', 'first'],
      ['$[1].1', 'second'],
    ]);
  });

  it('inflates messages compressed with gzip or deflate, as grpc-encoding says', () => {
    const payload = field1("x' UNION SELECT 1--");
    expect(grpcStrings(frame(gzipSync(payload), true), 'application/grpc', 'gzip')).toEqual([
      ['$.1', "x' UNION SELECT 1--"],
    ]);
    expect(grpcStrings(frame(deflateSync(payload), true), 'application/grpc+proto', 'deflate')).toEqual([
      ['$.1', "x' UNION SELECT 1--"],
    ]);
    // An encoding it cannot read gives no fields, not the compressed bytes as text.
    expect(grpcStrings(frame(gzipSync(payload), true), 'application/grpc', 'snappy')).toEqual([]);
  });

  it('skips a compressed message that inflates past 1 MiB (a bomb, not a request)', () => {
    const bomb = frame(gzipSync(new Uint8Array(2 * 1024 * 1024)), true);
    expect(grpcStrings(concat(bomb, frame(field1('after'))), 'application/grpc', 'gzip')).toEqual([
      ['$[1].1', 'after'],
    ]);
  });

  it('inflates 1 MiB for the whole body, not per message: past it compressed messages are skipped, others read', () => {
    const big = (n: number) => frame(gzipSync(field1Long(`${n}`.repeat(600 * 1024))), true);
    const body = concat(big(1), big(2), frame(field1('plain')));
    expect(
      grpcStrings(body, 'application/grpc', 'gzip')?.map(([path, value]) => [path, value.length]),
    ).toEqual([
      ['$.1', 600 * 1024],
      ['$[2].1', 5],
    ]);
  });

  it('counts the compressed messages a server reads that were not inflated: past the bound, or an encoding not read', () => {
    // Padding that inflates to just under the 1 MiB leaves no room for the attack compressed after it.
    const padding = frame(gzipSync(field1Long('p'.repeat(1024 * 1024 - 10))), true);
    const attack = frame(gzipSync(field1("1' OR '1'='1")), true);
    const padded = grpcBody(concat(padding, attack, frame(field1('plain'))), 'application/grpc', 'gzip');
    expect(padded?.unread).toBe(1);
    expect(padded?.leaves.map(([path]) => path)).toEqual(['$.1', '$[2].1']);
    expect(grpcBody(attack, 'application/grpc', 'snappy')).toEqual({ leaves: [], unread: 1 });
    expect(grpcBody(attack, 'application/grpc', 'zstd')?.unread).toBe(1);
    // Read to the end, corrupt (its server refuses it too), or compressed without an encoding: nothing unread.
    expect(grpcBody(concat(attack, attack), 'application/grpc', 'gzip')?.unread).toBe(0);
    const corrupt = frame(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff), true);
    expect(grpcBody(concat(corrupt, frame(field1('x'))), 'application/grpc', 'gzip')?.unread).toBe(0);
    expect(grpcBody(concat(attack, frame(field1('x'))), 'application/grpc', 'identity')?.unread).toBe(0);
  });

  it('reads the first part of a compressed message the body bound cut', () => {
    const message = gzipSync(concat(field1("1' OR '1'='1"), field1Long('y'.repeat(4000))), { level: 0 });
    const cut = frame(message, true).subarray(0, 300);
    expect(grpcStrings(cut, 'application/grpc', 'gzip')).toEqual([['$.1', "1' OR '1'='1"]]);
  });

  it('skips a later message that is not protobuf and reads the ones after it', () => {
    const body = concat(frame(field1('first')), frame(Uint8Array.of(0x0b, 0x0c)), frame(field1('third')));
    expect(grpcStrings(body, 'application/grpc', '')).toEqual([
      ['$.1', 'first'],
      ['$[2].1', 'third'],
    ]);
  });

  it('reads gRPC-Web, binary and base64 text, up to the trailer frame', () => {
    const body = frame(field1('web'));
    const trailer = Uint8Array.of(0x80, 0, 0, 0, 0);
    expect(grpcStrings(concat(body, trailer), 'application/grpc-web+proto', '')).toEqual([['$.1', 'web']]);
    const text = new TextEncoder().encode(Buffer.from(body).toString('base64'));
    expect(grpcStrings(text, 'application/grpc-web-text', '')).toEqual([['$.1', 'web']]);
  });

  it('reads JSON messages of application/grpc+json', () => {
    const json = new TextEncoder().encode('{"query":"<script>alert(1)</script>"}');
    expect(grpcStrings(frame(json), 'application/grpc+json', '')).toEqual([
      ['$.query', '<script>alert(1)</script>'],
    ]);
  });

  it('keeps the fields before the cut of a body the parser bounded', () => {
    const long = concat(field1('kept'), field1('y'.repeat(100)));
    const cut = frame(long).subarray(0, 40);
    expect(grpcStrings(cut, 'application/grpc', '')).toEqual([['$.1', 'kept']]);
  });

  it('is undefined for a body that is not gRPC framing or protobuf, so it is judged as a whole', () => {
    expect(grpcStrings(new TextEncoder().encode('{"a":1}'), 'application/grpc', '')).toBeUndefined();
    expect(
      grpcStrings(frame(new TextEncoder().encode('not protobuf at all')), 'application/grpc', ''),
    ).toBeUndefined();
  });
});
