/**
 * GIOP's parser: omniORB's captured exchanges (giop-messages.ts) told as operations with their object key, name and
 * reply status; the same requests hand-built in every version and byte order; fragments put back together; hostile
 * sizes and truncated messages.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { giop } from '#sidecar/protocols/giop.ts';
import {
  CdrWriter,
  giopMessage,
  giopReply,
  giopRequest,
  oneName,
} from '#test/fixtures/protocols/giop-builder.ts';
import {
  bind10,
  bindNewContext10,
  closeConnection12,
  isA10,
  isA12,
  isAReply10,
  list12,
  locateIterator12,
  locateNameService,
  locateReply12,
  nextOne12,
  notFoundReply10,
  notFoundReply12,
  resolveMissing10,
  resolveNope12,
} from '#test/fixtures/protocols/giop-messages.ts';
import {
  concat,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  octetsCopied,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';

const ops = (events: unknown[]) => (events as OperationEvent[]).map((e) => [e.operation, e.detail ?? '']);
const notFound = 'IDL:omg.org/CosNaming/NamingContext/NotFound:1.0';

const omniNames10: Segment[] = [
  ['to-server', isA10],
  ['to-client', isAReply10],
  ['to-server', bindNewContext10],
  ['to-server', resolveMissing10],
  ['to-client', notFoundReply10],
  ['to-server', bind10],
];
const omniNames12: Segment[] = [
  ['to-server', concat(isA12, list12)],
  ['to-server', locateIterator12],
  ['to-client', locateReply12],
  ['to-server', nextOne12],
  ['to-server', resolveNope12],
  ['to-client', notFoundReply12],
  ['to-client', closeConnection12],
];

describe('giop messages from omniORB', () => {
  it('tells GIOP 1.0 requests with key, name and id, and replies paired with what they answer', () => {
    expect(ops(feed(giop, omniNames10))).toEqual([
      ['_is_a NameService', 'GIOP 1.0 id=2'],
      ['reply no-exception', '_is_a id=2'],
      ['bind_new_context NameService', 'GIOP 1.0 id=4 name=test'],
      ['resolve NameService', 'GIOP 1.0 id=4 name=missing'],
      ['reply user-exception', `resolve id=4 ${notFound}`],
      ['bind NameService', 'GIOP 1.0 id=4 name=svc'],
    ]);
  });

  it('tells GIOP 1.2: KeyAddr targets, a binary key shown in hex, LocateRequest, CloseConnection', () => {
    expect(ops(feed(giop, omniNames12))).toEqual([
      ['_is_a NameService', 'GIOP 1.2 id=2'],
      ['list NameService', 'GIOP 1.2 id=4'],
      ['locate 0xff0056c00b6b0100…', 'GIOP 1.2 id=6'],
      ['locate-reply object-here', 'id=6'],
      ['next_one 0xff0056c00b6b0100…', 'GIOP 1.2 id=8'],
      ['resolve NameService', 'GIOP 1.2 id=4 name=nope'],
      ['reply user-exception', `resolve id=4 ${notFound}`],
      ['close-connection', 'GIOP 1.2'],
    ]);
    expect(ops(feed(giop, [['to-server', locateNameService]]))).toEqual([
      ['locate NameService', 'GIOP 1.2 id=2'],
    ]);
  });

  it("keeps a request's arguments, 8-aligned in 1.2, for the detectors", () => {
    const [event] = feed(giop, [['to-server', isA12]]) as OperationEvent[];
    expect(Buffer.from(event?.serialized ?? []).toString('latin1')).toBe(
      '(\0\0\0IDL:omg.org/CosNaming/NamingContext:1.0\0',
    );
  });

  it('reads the same however the octets are cut, copying each once', () => {
    for (const segments of [omniNames10, omniNames12]) {
      expect(everySplitAgrees(giop, segments).mismatch).toBeUndefined();
      expect(feedByteByByte(giop, segments)).toEqual(feed(giop, segments));
    }
    const copied = octetsCopied(() => feedByteByByte(giop, omniNames12));
    expect(copied).toBeLessThan(4 * omniNames12.reduce((n, [, b]) => n + b.length, 0));
  });
});

describe('giop versions and byte orders', () => {
  it('reads a hand-built request and reply the same in 1.0, 1.1 and 1.2, big- and little-endian', () => {
    for (const minor of [0, 1, 2] as const)
      for (const little of [false, true]) {
        const request = giopRequest(minor, little, {
          id: 9,
          operation: 'unbind',
          key: 'NameService',
          args: oneName('a'),
        });
        const events = feed(giop, [
          ['to-server', request],
          ['to-client', giopReply(minor, little, 9, 2, 'IDL:omg.org/CORBA/OBJECT_NOT_EXIST:1.0')],
        ]);
        expect(ops(events), `1.${minor} ${little}`).toEqual([
          ['unbind NameService', `GIOP 1.${minor} id=9 name=a`],
          ['reply system-exception', 'unbind id=9 IDL:omg.org/CORBA/OBJECT_NOT_EXIST:1.0'],
        ]);
      }
  });

  it("reads 1.2 ProfileAddr and ReferenceAddr targets for the IIOP profile's key", () => {
    const iiop = new CdrWriter(true, 0)
      .octet(1, 1, 2)
      .string('10.0.0.1')
      .ushort(2809)
      .octets(Buffer.from('Orders'));
    const target = (kind: number, write: (c: CdrWriter) => void) =>
      giopMessage({ minor: 2, little: false, type: 0 }, (c) => {
        c.ulong(1).octet(3, 0, 0, 0).ushort(kind);
        write(c);
        c.string('place').ulong(0);
      });
    const profile = (c: CdrWriter) => c.ulong(0).octets(iiop.out);
    const events = feed(giop, [
      ['to-server', target(1, profile)],
      ['to-server', target(2, (c) => profile(c.ulong(0).string('IDL:Shop/Orders:1.0').ulong(1)))],
      ['to-server', target(1, (c) => c.ulong(1).octets([1, 2, 3]))],
      ['to-server', target(2, (c) => c.ulong(0).string('IDL:Shop/Orders:1.0').ulong(0))],
    ]);
    expect(ops(events).map(([operation]) => operation)).toEqual([
      'place Orders',
      'place Orders',
      'place profile 1',
      'place ior IDL:Shop/Orders:1.0',
    ]);
  });

  it('tells oneway requests, cancels and message errors, and a reply to no request seen', () => {
    const oneway = giopMessage({ minor: 2, little: true, type: 0 }, (c) =>
      c.ulong(3).octet(0, 0, 0, 0).ushort(0).octets(Buffer.from('Log')).string('push').ulong(0),
    );
    const cancel = giopMessage({ minor: 1, little: false, type: 2 }, (c) => c.ulong(3));
    const error = giopMessage({ minor: 2, little: false, type: 6 }, () => undefined);
    expect(
      ops(
        feed(giop, [
          ['to-server', concat(oneway, cancel)],
          ['to-client', concat(giopReply(2, true, 3, 0), error)],
        ]),
      ),
    ).toEqual([
      ['push Log', 'GIOP 1.2 id=3 oneway'],
      ['cancel-request', 'GIOP 1.1 id=3'],
      ['reply no-exception', '(unseen request) id=3'],
      ['message-error', 'GIOP 1.2'],
    ]);
  });
});

describe('giop hostile input', () => {
  it('passes over a message past 64 KiB by its size and reads the next one', () => {
    const big = giopRequest(2, false, {
      id: 1,
      operation: 'store',
      key: 'Blob',
      args: (c) => c.octets(new Array(200_000).fill(7)),
    });
    const events = feed(giop, [
      ['to-server', big.subarray(0, 70_000)],
      ['to-server', concat(big.subarray(70_000), isA12)],
    ]) as OperationEvent[];
    expect(ops(events)).toEqual([
      ['store Blob', 'GIOP 1.2 id=1'],
      ['_is_a NameService', 'GIOP 1.2 id=2'],
    ]);
    expect(events[0]?.serialized?.length).toBe(64 * 1024 + 12 - 48);
  });

  it('tells malformed headers as such, and stops at octets that are no GIOP header or after a loss', () => {
    const lying = Uint8Array.from(isA12);
    lying[27] = 0xff; // the key's length runs past the message
    const badOperation = Uint8Array.from(resolveNope12);
    badOperation[46] = 0x01; // a control character in the operation
    expect(
      ops(feed(giop, [['to-server', concat(lying, badOperation, hex('00112233445566778899aabb'), isA12)]])),
    ).toEqual([
      ['malformed request', ''],
      ['malformed request', ''],
    ]);
    const parser = giop.createParser();
    parser.gap('to-client');
    expect(parser.parse(isAReply10, 'to-client', 1)).toEqual([]);
    expect(parser.parse(isA10, 'to-server', 1)).toHaveLength(1);
  });

  it('never throws on a hostile size, count or length, in every truncation of every message', () => {
    const hostile = [
      hex('47494f5001020000ffffffff'),
      giopMessage({ minor: 0, little: false, type: 0 }, (c) => c.ulong(0xffffffff)),
      giopMessage({ minor: 2, little: true, type: 0 }, (c) =>
        c.ulong(1).octet(3, 0, 0, 0).ushort(2).ulong(0).ulong(0xffff),
      ),
      giopMessage({ minor: 2, little: true, type: 1 }, (c) => c.ulong(1).ulong(99)),
      giopMessage({ minor: 1, little: true, type: 4 }, (c) => c.ulong(1).ulong(5)),
    ];
    for (const message of [...hostile, isA10, bind10, nextOne12, notFoundReply12])
      for (let cut = 12; cut <= message.length; cut++) {
        const head = Uint8Array.from(message.subarray(0, cut));
        if (cut >= 12) new DataView(head.buffer).setUint32(8, cut - 12, (head[6] ?? 0) % 2 === 1);
        expect(() =>
          feed(giop, [
            ['to-server', head],
            ['to-client', head],
          ]),
        ).not.toThrow();
      }
  });
});
