/** THeader frames whose payload a transform changed: zlib inflated (bounded), the others left unread. */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { thrift } from '#sidecar/protocols/thrift.ts';
import { maxInflated } from '#sidecar/protocols/thrift-header-payload.ts';
import { concat, everySplitAgrees, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  b,
  binaryAdd,
  binaryAddReply,
  CALL,
  compactAdd,
  compactAddReply,
  theader,
} from '#test/fixtures/protocols/thrift-messages.ts';

const C = (bytes: Uint8Array): Segment => ['to-server', bytes];
const S = (bytes: Uint8Array): Segment => ['to-client', bytes];
const zlib = (bytes: Uint8Array): Uint8Array => Uint8Array.from(deflateSync(bytes));
const lines = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map(
    (e) => `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail}`,
  );

describe('thrift THeader transforms', () => {
  it('inflates a zlib payload, both ways, binary and compact', () => {
    const segments = [
      C(theader(zlib(binaryAdd(1, 'Calc:add')), 0, [1])),
      S(theader(zlib(binaryAddReply(1)), 0, [1])),
      C(theader(zlib(compactAdd(2)), 2, [1])),
      S(theader(zlib(compactAddReply(2)), 2, [1])),
    ];
    expect(lines(feed(thrift, segments))).toEqual([
      'C Calc/add call binary header zlib',
      'S Calc/add ok',
      'C add call compact header zlib',
      'S add ok',
    ]);
    expect(everySplitAgrees(thrift, segments).mismatch).toBeUndefined();
  });

  it('reads a payload compressed twice', () => {
    expect(lines(feed(thrift, [C(theader(zlib(zlib(binaryAdd(1))), 0, [1, 1]))]))).toEqual([
      'C add call binary header zlib',
    ]);
  });

  it(`reads the header of a payload that inflates past ${maxInflated / 1024} KiB (a zlib bomb), no more`, () => {
    // A call whose one string argument is 1 MiB of zeros: about 1 KiB compressed.
    const big = concat(b.strict(CALL, 'upload', 9), b.body(b.string(1, '\0'.repeat(1024 * 1024))));
    const frame = theader(zlib(big), 0, [1]);
    expect(frame.length).toBeLessThan(4096);
    expect(lines(feed(thrift, [C(frame), C(theader(zlib(binaryAdd(10)), 0, [1]))]))).toEqual([
      'C upload call binary header zlib',
      'C add call binary header zlib',
    ]);
  });

  it('leaves snappy, zstd and corrupt zlib payloads unread, and goes on with the next frame', () => {
    const segments = [
      C(theader(binaryAdd(1, 'snappy'), 0, [3])),
      C(theader(binaryAdd(2, 'zstd'), 0, [5])),
      C(theader(Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff, 0xff), 0, [1])),
      C(theader(zlib(binaryAdd(4, 'after')), 0, [1])),
    ];
    expect(lines(feed(thrift, segments))).toEqual(['C after call binary header zlib']);
  });
});
