import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { thrift, thriftDatagrams } from '#sidecar/protocols/thrift.ts';
import { maxWaiting } from '#sidecar/protocols/thrift-parser.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import {
  b,
  binaryAdd,
  binaryAddReply,
  binaryOuch,
  binaryUnknownMethod,
  binaryZip,
  CALL,
  c,
  compactAdd,
  compactAddReply,
  compactInternalError,
  framed,
  i32,
  jaegerBinary,
  jaegerCompact,
  oldBinaryAdd,
  REPLY,
  theader,
} from '#test/fixtures/protocols/thrift-messages.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const lines = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map(
    (e) => `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail}`,
  );
const C = (bytes: Uint8Array): Segment => ['to-server', bytes];
const S = (bytes: Uint8Array): Segment => ['to-client', bytes];

const oldAdd = oldBinaryAdd(1);
const oldReply = concat(b.old(REPLY, 'add', 1), b.body(b.i32(0, 2)));

describe('thrift detect', () => {
  it('matches strict binary and compact messages, unframed, framed and in THeader frames', () => {
    for (const bytes of [
      binaryAdd(1),
      framed(binaryAdd(1)),
      compactAdd(1),
      framed(compactAdd(1)),
      theader(binaryAdd(1), 0),
      theader(compactAdd(1), 2),
      binaryZip(9),
    ])
      expect(thrift.detect(bytes, 'to-server')).toBe('match');
    for (const bytes of [
      binaryAddReply(1),
      framed(binaryUnknownMethod(1, 'nope')),
      compactInternalError(3, 'x'),
    ])
      expect(thrift.detect(bytes, 'to-client')).toBe('match');
  });

  it('takes a THeader frame whose payload a transform (zlib) hides on its header alone', () => {
    expect(thrift.detect(theader(Uint8Array.of(0x78, 0x9c, 1, 2, 3), 0, [1]), 'to-server')).toBe('match');
    expect(thrift.detect(theader(binaryAdd(1), 1), 'to-server')).toBe('no-match'); // protocol 1 is JSON
    expect(thrift.detect(theader(binaryAdd(1), 2), 'to-server')).toBe('no-match'); // compact named, binary sent
  });

  it('waits on every prefix of a message, and matches none before its header and a first octet of its struct', () => {
    // Each message with the length of its headers (frame, THeader and message): the old header waits for it all.
    const headed: [Uint8Array, number][] = [
      [binaryAdd(1), 15],
      [framed(binaryAdd(1)), 19],
      [compactAdd(1), 7],
      [theader(compactAdd(1), 2), 25],
      [oldAdd, oldAdd.length - 1],
    ];
    for (const [whole, header] of headed) {
      expect(thrift.detect(whole.subarray(0, header + 1), 'to-server')).toBe('match');
      for (let n = 0; n <= header; n += 1)
        expect(thrift.detect(whole.subarray(0, n), 'to-server'), `${n}`).toBe('need-more');
    }
  });

  it('takes the old non-strict header only with an identifier and a whole struct ending with the bytes', () => {
    expect(thrift.detect(oldAdd, 'to-server')).toBe('match');
    expect(thrift.detect(framed(oldAdd), 'to-server')).toBe('match');
    expect(thrift.detect(oldReply, 'to-client')).toBe('match');
    // A call's struct cut short waits; with more after it (unframed, nothing says where it ends) it is refused.
    expect(thrift.detect(oldAdd.subarray(0, oldAdd.length - 1), 'to-server')).toBe('need-more');
    expect(thrift.detect(concat(oldAdd, ascii('x')), 'to-server')).toBe('no-match');
    // A frame that ends before or after the struct does.
    expect(thrift.detect(concat(i32(oldAdd.length + 1), oldAdd, ascii('x')), 'to-server')).toBe('no-match');
    // A reply sent by the client, a call by the server.
    expect(thrift.detect(oldReply, 'to-server')).toBe('no-match');
    expect(thrift.detect(oldAdd, 'to-client')).toBe('no-match');
    // Names that are not identifiers.
    for (const name of ['1add', 'a b', 'svc:', ':m', 'a:b:c', '\u00e9t\u00e9'])
      expect(thrift.detect(concat(b.old(CALL, name, 1), b.body()), 'to-server'), name).toBe('no-match');
  });

  it('refuses wrong versions, types and names in the strict headers', () => {
    const add = binaryAdd(1);
    const patched = (at: number, value: number) => {
      const copy = Uint8Array.from(add);
      copy[at] = value;
      return copy;
    };
    expect(thrift.detect(patched(1, 0x02), 'to-server')).toBe('no-match'); // version 0x8002
    expect(thrift.detect(patched(2, 0x01), 'to-server')).toBe('no-match'); // the unused octet set
    expect(thrift.detect(patched(3, 5), 'to-server')).toBe('no-match'); // message type 5
    expect(thrift.detect(patched(8, 0x20), 'to-server')).toBe('no-match'); // a space in the name
    expect(thrift.detect(patched(15, 0x07), 'to-server')).toBe('no-match'); // field type 7
    expect(thrift.detect(concat(Uint8Array.of(0x82, 0x22), compactAdd(1).subarray(2)), 'to-server')).toBe(
      'no-match',
    ); // compact version 2
  });

  it('matches a Jaeger agent datagram (emitBatch, one-way), compact and binary', () => {
    expect(thriftDatagrams.detect(jaegerCompact(1), 'to-server')).toBe('match');
    expect(thriftDatagrams.detect(jaegerBinary(1), 'to-server')).toBe('match');
    // A flow of datagrams one way is the whole conversation (confidence dpi, not partial).
    expect([thriftDatagrams.transport, thriftDatagrams.oneWay]).toEqual(['udp', true]);
  });

  it('is what the whole registry calls these flows', () => {
    expect(engineLabel([C(framed(binaryAdd(1))), S(framed(binaryAddReply(1)))])).toBe('thrift');
    expect(engineLabel([C(compactAdd(1)), S(compactAddReply(1))])).toBe('thrift');
    expect(engineLabel([C(oldAdd), S(oldReply)])).toBe('thrift');
    expect(engineLabel([C(framed(oldAdd))])).toBe('thrift');
    expect(engineLabel([C(theader(binaryAdd(1), 0))])).toBe('thrift');
  });

  itRejectsForeignBytes(thrift, []);

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(thrift, C(framed(binaryAdd(1)))).randomMatches).toBe(0);
  });
});

describe('thrift parse', () => {
  it('tells calls and each outcome: success, a declared exception, a TApplicationException', () => {
    const segments = [
      C(binaryAdd(1)),
      S(binaryAddReply(1)),
      C(concat(b.strict(CALL, 'calculate', 2), b.body(b.i32(1, 1), b.struct(2, b.i32(1, 1), b.i32(2, 0))))),
      S(binaryOuch(2)),
      C(binaryZip(3)),
      C(binaryAdd(4, 'nope')),
      S(binaryUnknownMethod(4, 'nope')),
    ];
    expect(lines(feed(thrift, segments))).toEqual([
      'C add call binary unframed',
      'S add ok',
      'C calculate call binary unframed',
      'S error calculate exception field 1: Cannot divide by 0',
      'C zip oneway binary unframed',
      'C nope call binary unframed',
      "S error nope TApplicationException UNKNOWN_METHOD: Invalid method name: 'nope'",
    ]);
    expect(everySplitAgrees(thrift, segments).mismatch).toBeUndefined();
    expect(feedByteByByte(thrift, segments)).toEqual(feed(thrift, segments));
  });

  it('splits a multiplexed name into service and method, and names replies by the call with their seqid', () => {
    // Replies out of order, as a server with a thread pool sends them; the reply names the bare method.
    const segments = [
      C(framed(compactAdd(7, 'Calculator:add'))),
      C(framed(compactAdd(8, 'Health:add'))),
      S(framed(compactInternalError(8, 'add'))),
      S(framed(compactAddReply(7))),
    ];
    expect(lines(feed(thrift, segments))).toEqual([
      'C Calculator/add call compact framed',
      'C Health/add call compact framed',
      'S error Health/add TApplicationException INTERNAL_ERROR: boom',
      'S Calculator/add ok',
    ]);
    expect(everySplitAgrees(thrift, segments).mismatch).toBeUndefined();
  });

  it(`remembers at most ${maxWaiting} calls waiting: the oldest reply is then told by its own name`, () => {
    const calls = Array.from({ length: maxWaiting + 1 }, (_, i) => C(binaryAdd(i, 'Calculator:add')));
    const events = lines(feed(thrift, [...calls, S(binaryAddReply(0)), S(binaryAddReply(maxWaiting))]));
    expect(events.slice(-2)).toEqual(['S add ok', 'S Calculator/add ok']);
  });

  it('reads THeader frames and the old non-strict header', () => {
    expect(
      lines(feed(thrift, [C(theader(binaryAdd(1, 'Calc:add'), 0)), S(theader(binaryAddReply(1), 0))])),
    ).toEqual(['C Calc/add call binary header', 'S Calc/add ok']);
    expect(lines(feed(thrift, [C(framed(oldAdd)), S(framed(oldReply))]))).toEqual([
      'C add call binary non-strict framed',
      'S add ok',
    ]);
  });

  it('reads each Jaeger datagram as one one-way call', () => {
    const parser = thrift.createParser();
    expect(lines(parser.parse(jaegerCompact(1), 'to-server', 1))).toEqual([
      'C emitBatch oneway compact unframed',
    ]);
    expect(lines(parser.parse(jaegerCompact(2), 'to-server', 2))).toEqual([
      'C emitBatch oneway compact unframed',
    ]);
    expect(lines(feed(thrift, [C(jaegerBinary(1))]))).toEqual(['C emitBatch oneway binary unframed']);
  });

  it('skips to the next frame after a loss inside a framed message, and stops an unframed direction', () => {
    const first = framed(binaryAdd(1, 'first'));
    const parser = thrift.createParser();
    expect(parser.parse(first.subarray(0, 10), 'to-server', 1)).toEqual([]);
    parser.gap('to-server', 6);
    const after = lines(
      parser.parse(concat(first.subarray(16), framed(binaryAdd(2, 'second'))), 'to-server', 2),
    );
    expect(after).toEqual(['C second call binary framed']);

    const unframed = thrift.createParser();
    unframed.parse(binaryAdd(1).subarray(0, 10), 'to-server', 1);
    unframed.gap('to-server', 6);
    expect(unframed.parse(concat(binaryAdd(1).subarray(16), binaryAdd(2)), 'to-server', 2)).toEqual([]);
  });

  it('reads a framed message past 64 KiB by its header and skips past it; an unframed one stops its direction', () => {
    const big = (seqid: number) =>
      concat(b.strict(CALL, 'put', seqid), b.body(b.string(1, 'x'.repeat(70_000))));
    // In 1460-octet segments, as TCP brings them.
    const segments = (bytes: Uint8Array): Segment[] =>
      Array.from({ length: Math.ceil(bytes.length / 1460) }, (_, i) =>
        C(bytes.subarray(i * 1460, (i + 1) * 1460)),
      );
    expect(lines(feed(thrift, segments(concat(framed(big(1)), framed(binaryAdd(2))))))).toEqual([
      'C put call binary framed',
      'C add call binary framed',
    ]);
    expect(lines(feed(thrift, segments(concat(big(1), binaryAdd(2)))))).toEqual([]);
  });

  it('refuses nesting deeper than any IDL, and parses hostile nesting without throwing', () => {
    let nested = c.body();
    for (let i = 0; i < 40; i += 1) nested = c.body(c.struct(1, 1, nested.subarray(0, -1)));
    expect(thrift.detect(concat(c.header(CALL, 'deep', 1), nested), 'to-server')).toBe('no-match');
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(thrift, 2, 0x7417)).toBeGreaterThan(300);
  });
});
