import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { grpcStrings } from '#sidecar/threats/text/grpc-strings.ts';

const field1 = (value: string): Uint8Array => {
  const bytes = new TextEncoder().encode(value);
  return Uint8Array.from([0x0a, bytes.length, ...bytes]);
};
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
    expect(grpcStrings(body, 'application/grpc', '', 64)).toEqual([
      ['$.1', 'first'],
      ['$[1].1', 'second'],
    ]);
  });

  it('inflates messages compressed with gzip or deflate, as grpc-encoding says', () => {
    const payload = field1("x' UNION SELECT 1--");
    expect(grpcStrings(frame(gzipSync(payload), true), 'application/grpc', 'gzip', 64)).toEqual([
      ['$.1', "x' UNION SELECT 1--"],
    ]);
    expect(grpcStrings(frame(deflateSync(payload), true), 'application/grpc+proto', 'deflate', 64)).toEqual([
      ['$.1', "x' UNION SELECT 1--"],
    ]);
    // An encoding it cannot read gives no fields, not the compressed bytes as text.
    expect(grpcStrings(frame(gzipSync(payload), true), 'application/grpc', 'snappy', 64)).toEqual([]);
  });

  it('skips a compressed message that inflates past 1 MiB (a bomb, not a request)', () => {
    const bomb = frame(gzipSync(new Uint8Array(2 * 1024 * 1024)), true);
    expect(grpcStrings(concat(bomb, frame(field1('after'))), 'application/grpc', 'gzip', 64)).toEqual([
      ['$[1].1', 'after'],
    ]);
  });

  it('reads gRPC-Web, binary and base64 text, up to the trailer frame', () => {
    const body = frame(field1('web'));
    const trailer = Uint8Array.of(0x80, 0, 0, 0, 0);
    expect(grpcStrings(concat(body, trailer), 'application/grpc-web+proto', '', 64)).toEqual([
      ['$.1', 'web'],
    ]);
    const text = new TextEncoder().encode(Buffer.from(body).toString('base64'));
    expect(grpcStrings(text, 'application/grpc-web-text', '', 64)).toEqual([['$.1', 'web']]);
  });

  it('reads JSON messages of application/grpc+json', () => {
    const json = new TextEncoder().encode('{"query":"<script>alert(1)</script>"}');
    expect(grpcStrings(frame(json), 'application/grpc+json', '', 64)).toEqual([
      ['$.query', '<script>alert(1)</script>'],
    ]);
  });

  it('keeps the fields before the cut of a body the parser bounded', () => {
    const long = concat(field1('kept'), field1('y'.repeat(100)));
    const cut = frame(long).subarray(0, 40);
    expect(grpcStrings(cut, 'application/grpc', '', 64)).toEqual([['$.1', 'kept']]);
  });

  it('is undefined for a body that is not gRPC framing or protobuf, so it is judged as a whole', () => {
    expect(grpcStrings(new TextEncoder().encode('{"a":1}'), 'application/grpc', '', 64)).toBeUndefined();
    expect(
      grpcStrings(frame(new TextEncoder().encode('not protobuf at all')), 'application/grpc', '', 64),
    ).toBeUndefined();
  });
});
