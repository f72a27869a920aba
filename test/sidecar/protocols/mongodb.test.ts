import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mongodb } from '#sidecar/protocols/mongodb.ts';
import { bson, i32, message, opMsg, opQueryCommand } from '#test/fixtures/protocols/mongodb-wire.ts';
import {
  concat,
  contractCheck,
  detectFlow,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

const find = opMsg(1, 0, { find: 'users', filter: { age: 30 }, $db: 'shop' });
const hello = opMsg(2, 0, { hello: 1, $db: 'admin' });
// OP_MSG with a kind-0 section then a kind-1 document sequence ("documents").
const row = bson({ n: 1 });
const insert = message(
  3,
  0,
  2013,
  concat(
    i32(0),
    Buffer.of(0),
    bson({ insert: 'orders', $db: 'shop' }),
    Buffer.of(1),
    i32(4 + 10 + row.length),
    Buffer.from('documents\0'),
    row,
  ),
);
const saslStart = opMsg(4, 0, {
  saslStart: 1,
  mechanism: 'SCRAM-SHA-256',
  payload: Buffer.from('n,,n=alice,r=rOprNGfwEbeRWgbNEkqO'),
  $db: 'admin',
});
const authFailed = opMsg(90, 4, {
  ok: 0,
  errmsg: 'Authentication failed.',
  code: 18,
  codeName: 'AuthenticationFailed',
});
const saslDone = opMsg(91, 4, { conversationId: 1, done: true, payload: Buffer.from('v=abc'), ok: 1 });

describe('mongodb detect', () => {
  it('matches OP_MSG requests (minimal and realistic) and an OP_QUERY isMaster from a real capture', () => {
    expect(mongodb.detect(hello, 'to-server')).toBe('match');
    expect(mongodb.detect(find, 'to-server')).toBe('match');
    expect(mongodb.detect(insert, 'to-server')).toBe('match');
    const isMaster = ndpiFlows('mongodb')[2]?.segments[0]?.[1] ?? new Uint8Array(0);
    expect(mongodb.detect(isMaster, 'to-server')).toBe('match');
  });

  it('matches replies: OP_MSG and OP_REPLY', () => {
    expect(mongodb.detect(saslDone, 'to-client')).toBe('match');
    // OP_REPLY (1): responseFlags 8 (AwaitCapable), cursorID 0, startingFrom 0, numberReturned 1, {ok: 1}.
    const reply = message(
      7,
      2,
      1,
      concat(i32(8), Buffer.alloc(8), i32(0), i32(1), bson({ ismaster: true, ok: 1 })),
    );
    expect(mongodb.detect(reply, 'to-client')).toBe('match');
  });

  it('matches OP_COMPRESSED with a known original opcode and compressor', () => {
    const compressed = message(
      5,
      0,
      2012,
      concat(i32(2013), i32(30), Buffer.of(2), deflateSync(Buffer.alloc(30))),
    );
    expect(mongodb.detect(compressed, 'to-server')).toBe('match');
  });

  it('needs more on a too-short prefix and rejects inconsistent bodies', () => {
    expect(mongodb.detect(find.subarray(0, 3), 'to-server')).toBe('need-more');
    expect(mongodb.detect(find.subarray(0, 15), 'to-server')).toBe('need-more');
    expect(mongodb.detect(find.subarray(0, 40), 'to-server')).toBe('need-more');
    const badFlags = find.slice();
    badFlags[17] = 0x40;
    expect(mongodb.detect(badFlags, 'to-server')).toBe('no-match');
    const badType = find.slice();
    badType[25] = 0x42; // not a BSON element type
    expect(mongodb.detect(badType, 'to-server')).toBe('no-match');
    expect(mongodb.detect(find, 'to-client')).toBe('match');
    expect(mongodb.detect(message(1, 0, 2004, Buffer.alloc(40)), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('mongodb')) {
      expect([sample.protocol, mongodb.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('mongodb parser', () => {
  const session: Segment[] = [
    ['to-server', concat(hello, find)],
    ['to-server', insert],
    ['to-server', saslStart],
    ['to-client', authFailed],
  ];
  const expected = [
    { kind: 'operation', direction: 'to-server', protocol: 'mongodb', operation: 'hello', detail: 'admin' },
    {
      kind: 'operation',
      direction: 'to-server',
      protocol: 'mongodb',
      operation: 'find',
      detail: 'shop.users',
    },
    {
      kind: 'operation',
      direction: 'to-server',
      protocol: 'mongodb',
      operation: 'insert',
      detail: 'shop.orders',
    },
    {
      kind: 'operation',
      direction: 'to-server',
      protocol: 'mongodb',
      operation: 'saslStart',
      detail: 'admin',
    },
    {
      kind: 'db-auth',
      direction: 'to-client',
      dialect: 'mongodb',
      ok: false,
      user: 'alice',
      message: 'Authentication failed.',
    },
  ];

  it('emits commands with their collection, and a failed SCRAM login with the user', () => {
    expect(feed(mongodb, session)).toEqual(expected);
  });

  it('reports a finished SASL conversation as a successful login', () => {
    expect(
      feed(mongodb, [
        ['to-server', saslStart],
        ['to-client', saslDone],
      ]).at(-1),
    ).toEqual({
      kind: 'db-auth',
      direction: 'to-client',
      dialect: 'mongodb',
      ok: true,
      user: 'alice',
    });
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(mongodb, session).mismatch).toBeUndefined();
    expect(feedByteByByte(mongodb, session)).toEqual(expected);
  });

  it('unwraps zlib OP_COMPRESSED and leaves a corrupt one opaque', () => {
    const inner = concat(i32(0), Buffer.of(0), bson({ count: 'logs', $db: 'ops' }));
    const zlib = message(9, 0, 2012, concat(i32(2013), i32(inner.length), Buffer.of(2), deflateSync(inner)));
    const corrupt = message(10, 0, 2012, concat(i32(2013), i32(50), Buffer.of(2), Buffer.from('not zlib')));
    expect(feed(mongodb, [['to-server', concat(corrupt, zlib)]])).toEqual([
      {
        kind: 'operation',
        direction: 'to-server',
        protocol: 'mongodb',
        operation: 'count',
        detail: 'ops.logs',
      },
    ]);
  });

  it('stops a direction on an impossible length', () => {
    expect(feed(mongodb, [['to-server', concat(hex('05000000 00000000'), find)]])).toEqual([]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(mongodb, ['to-server', find]).randomMatches).toBe(0);
  });
});

/** The find operations among a parser's events: collection, and whether it is read whole. */
const finds = (segments: Segment[]) =>
  (feed(mongodb, segments) as { operation?: string; detail?: string; whole?: true }[])
    .filter((e) => e.operation === 'find')
    .map((e) => [e.detail, e.whole ?? false]);

describe('mongodb whole-collection reads', () => {
  // mongo-tools' find (mongodump's DumpIntent, mongoexport's getCursor): Coll.Find(nil, bson.D{}, opts), the Go
  // driver sending the empty filter, a hint of _id (MMAPv1; mongoexport without a query), a session and, off the
  // primary, $readPreference. Built here from the wire specification: no MongoDB server runs on this machine.
  const lsid = { id: new Uint8Array(16) };
  const dumpFind = opMsg(20, 0, {
    find: 'users',
    filter: {},
    hint: { _id: 1 },
    skip: 0n,
    lsid,
    $db: 'shop',
    $readPreference: { mode: 'secondaryPreferred' },
  });

  it("tells mongodump's and mongoexport's find, with an empty filter or none, as a whole read", () => {
    expect(
      finds([
        ['to-server', dumpFind],
        ['to-server', opMsg(21, 0, { find: 'orders', $db: 'shop' })],
        ['to-server', opMsg(22, 0, { find: 'audit', filter: {}, limit: 0n, $db: 'shop' })],
        // The same command the legacy way (OP_QUERY on <db>.$cmd), as old drivers sent it.
        ['to-server', opQueryCommand(23, 'shop', { find: 'cards', filter: {} })],
      ]),
    ).toEqual([
      ['shop.users', true],
      ['shop.orders', true],
      ['shop.audit', true],
      ['shop.cards', true],
    ]);
  });

  it('leaves a find with a filter, a limit (findOne) or no collection name a plain find', () => {
    expect(
      finds([
        ['to-server', opMsg(30, 0, { find: 'users', filter: { age: 30 }, $db: 'shop' })],
        ['to-server', opMsg(31, 0, { find: 'users', filter: {}, limit: 1, singleBatch: true, $db: 'shop' })],
        ['to-server', opMsg(32, 0, { find: 'users', filter: {}, limit: 20n, $db: 'shop' })],
        ['to-server', opMsg(33, 0, { find: '', filter: {}, $db: 'shop' })],
      ]),
    ).toEqual([
      ['shop.users', false],
      ['shop.users', false],
      ['shop.users', false],
      ['shop.', false],
    ]);
  });

  it('tells a whole read only of a command read whole: a filter past an unreadable element might be there', () => {
    const command = opMsg(40, 0, { find: 'users', comment: 'x', filter: { age: 30 }, $db: 'shop' });
    const unreadable = command.slice();
    // The `comment` element's type byte (after the 21-byte header and section kind, the length, the `find` element).
    const at = 21 + 4 + (1 + 5 + 4 + 6);
    expect(unreadable[at]).toBe(0x02);
    unreadable[at] = 0x42;
    // Read up to it: the command and its collection, not its database (`$db` comes last).
    expect(finds([['to-server', unreadable]])).toEqual([['users', false]]);
  });

  it('gives the same whole reads for every split point', () => {
    expect(everySplitAgrees(mongodb, [['to-server', concat(dumpFind, dumpFind)]]).mismatch).toBeUndefined();
  });
});

describe('mongodb on nDPI mongodb.pcap (real bytes)', () => {
  it('detects every flow and reads the OP_QUERY commands', () => {
    const flows = ndpiFlows('mongodb');
    expect(flows.map((f) => detectFlow(mongodb, f.segments))).toEqual(flows.map(() => true));
    const ops = flows.flatMap((f) => feed(mongodb, f.segments) as { operation: string; detail?: string }[]);
    expect(ops.map((o) => `${o.operation}@${o.detail}`)).toEqual([
      'ismaster@admin',
      'getnonce@abtest',
      'isMaster@admin',
      'isMaster@admin',
      'getnonce@InactiveUserIdentity',
    ]);
  });
});

describe('mongodb among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow mongodb', () => {
    const flows = ndpiFlows('mongodb');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'mongodb'));
  });
});
