/**
 * The operators and server-side JavaScript the MongoDB parser lists on a request's operation event. Messages are built
 * from the specifications (bsonspec.org v1.1; the wire protocol reference for OP_MSG sections, OP_QUERY, OP_UPDATE and
 * OP_DELETE): no MongoDB server or driver runs on this machine.
 */
import { describe, expect, it } from 'vitest';
import { mongodb } from '#sidecar/protocols/mongodb.ts';
import {
  BsonCode,
  bson,
  i32,
  message,
  opMsg,
  opQueryCommand,
} from '#test/fixtures/protocols/mongodb-wire.ts';
import {
  concat,
  everySplitAgrees,
  feed,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';

type Operation = { operation: string; detail?: string; operators?: string[]; javascript?: string[] };
const operations = (segments: Segment[]) => feed(mongodb, segments) as Operation[];
const one = (bytes: Uint8Array) => operations([['to-server', bytes]])[0];

/** OP_MSG with its command (kind 0) and one document sequence (kind 1: size, identifier, documents). */
const withSequence = (id: number, command: Buffer, identifier: string, docs: Buffer[]): Uint8Array => {
  const body = concat(Buffer.from(`${identifier}\0`), ...docs);
  return message(
    id,
    0,
    2013,
    concat(i32(0), Buffer.of(0), command, Buffer.of(1), i32(4 + body.length), body),
  );
};

describe('mongodb operators and JavaScript', () => {
  it('lists the operators of a find filter, nested in arrays, not the command envelope; none on a plain find', () => {
    const find = opMsg(1, 0, {
      find: 'users',
      filter: { $or: [{ name: { $regex: '^adm' } }, { age: { $gt: 30, $lt: 40 } }], status: { $ne: 'gone' } },
      $db: 'shop',
      $readPreference: { mode: 'primary' },
    });
    expect(one(find)).toEqual({
      kind: 'operation',
      direction: 'to-server',
      protocol: 'mongodb',
      operation: 'find',
      detail: 'shop.users',
      operators: ['$or', '$regex', '$gt', '$lt', '$ne'],
    });
    // A request without operators: its event is as before.
    expect(one(opMsg(2, 0, { find: 'users', filter: { age: 30 }, $db: 'shop' }))).toEqual({
      kind: 'operation',
      direction: 'to-server',
      protocol: 'mongodb',
      operation: 'find',
      detail: 'shop.users',
    });
  });

  it('keeps $where as a string, as BSON code (0x0D) and as code with scope (0x0F)', () => {
    const asString = opMsg(3, 0, { find: 'users', filter: { $where: 'sleep(5000) || true' }, $db: 'shop' });
    const asCode = opMsg(4, 0, {
      find: 'users',
      filter: { $where: new BsonCode('this.a == this.b') },
      $db: 'shop',
    });
    const scoped = new BsonCode('while(true){}', { limit: 5 });
    const withScope = opMsg(5, 0, { find: 'users', filter: { $where: scoped }, $db: 'shop' });
    expect([one(asString), one(asCode), one(withScope)].map((e) => [e?.operators, e?.javascript])).toEqual([
      [['$where'], ['sleep(5000) || true']],
      [['$where'], ['this.a == this.b']],
      [['$where'], ['while(true){}']],
    ]);
  });

  it('keeps the bodies of $function and $accumulator, and mapReduce functions, but no other strings', () => {
    const fn = {
      $function: { body: 'function(n) { return db.getSiblingDB("admin") }', args: ['$name'], lang: 'js' },
    };
    const aggregate = opMsg(6, 0, {
      aggregate: 'users',
      pipeline: [
        { $match: { $expr: fn } },
        {
          $group: {
            _id: null,
            total: {
              $accumulator: { init: 'function() { return 0 }', accumulate: 'x', merge: 'y', lang: 'js' },
            },
          },
        },
      ],
      cursor: {},
      $db: 'shop',
    });
    expect(one(aggregate)).toMatchObject({
      operators: ['$match', '$expr', '$function', '$group', '$accumulator'],
      javascript: ['function(n) { return db.getSiblingDB("admin") }', 'function() { return 0 }', 'x', 'y'],
    });
    const mapReduce = opMsg(7, 0, {
      mapReduce: 'orders',
      map: new BsonCode('function() { emit(this.k, 1) }'),
      reduce: 'function(k, v) { return Array.sum(v) }',
      out: { inline: 1 },
      $db: 'shop',
    });
    expect(one(mapReduce)).toMatchObject({
      javascript: ['function() { emit(this.k, 1) }', 'function(k, v) { return Array.sum(v) }'],
    });
    expect(one(mapReduce)?.operators).toBeUndefined();
  });

  it('reads the filters of update and delete statements sent as document sequences, not inserted documents', () => {
    const update = withSequence(8, bson({ update: 'users', $db: 'shop' }), 'updates', [
      bson({ q: { $where: 'sleep(100)' }, u: { $set: { admin: true } } }),
    ]);
    expect(one(update)).toMatchObject({ operators: ['$where', '$set'], javascript: ['sleep(100)'] });
    const insert = withSequence(9, bson({ insert: 'users', $db: 'shop' }), 'documents', [
      bson({ note: { $where: 'sleep(100)' } }),
    ]);
    expect(one(insert)?.operators).toBeUndefined();
  });

  it('reads legacy OP_QUERY filters on a collection, commands on $cmd, OP_UPDATE and OP_DELETE selectors', () => {
    const legacyFind = message(
      10,
      0,
      2004,
      concat(i32(0), Buffer.from('shop.users\0'), i32(0), i32(1), bson({ $where: 'this.x == 1' })),
    );
    expect(one(legacyFind)).toMatchObject({
      operation: 'query',
      operators: ['$where'],
      javascript: ['this.x == 1'],
    });
    const command = opQueryCommand(11, 'shop', { count: 'users', query: { age: { $gte: 18 } } });
    expect(one(command)).toMatchObject({ operation: 'count', operators: ['$gte'] });
    const selector = bson({ name: { $ne: null } });
    const opUpdate = message(
      12,
      0,
      2001,
      concat(i32(0), Buffer.from('shop.users\0'), i32(0), selector, bson({ $set: { a: 1 } })),
    );
    expect(one(opUpdate)).toMatchObject({ operation: 'update', operators: ['$ne', '$set'] });
    const opDelete = message(13, 0, 2006, concat(i32(0), Buffer.from('shop.users\0'), i32(0), selector));
    expect(one(opDelete)).toMatchObject({ operation: 'delete', operators: ['$ne'] });
  });

  it('bounds what it keeps: 64 distinct operators, 4 KiB of JavaScript in all', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`$op${i}`, 1]));
    const wide = one(opMsg(14, 0, { find: 'users', filter: { a: many, b: { $op1: 1 } }, $db: 'shop' }));
    expect(wide?.operators).toHaveLength(64);
    const code = 'x'.repeat(3000);
    const long = opMsg(15, 0, {
      find: 'users',
      filter: { $or: [{ $where: code }, { $where: code }] },
      $db: 'shop',
    });
    expect(one(long)?.javascript?.map((js) => js.length)).toEqual([3000, 1096]);
  });

  it('stops at a malformed element and keeps what came before', () => {
    const find = opMsg(16, 0, { find: 'users', filter: { $ne: 1, b: 'x' }, $db: 'shop' });
    const broken = Uint8Array.from(find);
    // The string "x" of field b: its length prefix made to claim more than its document holds.
    const at = Buffer.from(broken).indexOf(Buffer.from('b\0'));
    broken.set(i32(1000), at + 2);
    expect(one(broken)?.operators).toEqual(['$ne']);
  });

  it('gives the same events for every split point', () => {
    const find = opMsg(17, 0, { find: 'users', filter: { $where: 'sleep(1)' }, $db: 'shop' });
    expect(one(find)?.javascript).toEqual(['sleep(1)']);
    expect(everySplitAgrees(mongodb, [['to-server', find]]).mismatch).toBeUndefined();
  });

  it("leaves the events of nDPI's real capture (mongodb.pcap) as they were, and reads a $where sent after them", () => {
    const flows = ndpiFlows('mongodb');
    const before = flows.flatMap((flow) => operations(flow.segments));
    // The capture's clients send isMaster and getnonce over OP_QUERY: no operators, no JavaScript.
    expect(before.map((e) => [e.operation, e.detail])).toEqual([
      ['ismaster', 'admin'],
      ['getnonce', 'abtest'],
      ['isMaster', 'admin'],
      ['isMaster', 'admin'],
      ['getnonce', 'InactiveUserIdentity'],
    ]);
    expect(before.filter((e) => e.operators !== undefined || e.javascript !== undefined)).toEqual([]);
    const first = flows[0]?.segments ?? [];
    const where = opQueryCommand(99, 'admin', { find: 'users', filter: { $where: 'sleep(10)' } });
    const after = operations([...first, ['to-server', where]]);
    expect(after.slice(0, -1)).toEqual(operations(first));
    expect(after.at(-1)).toMatchObject({
      operation: 'find',
      operators: ['$where'],
      javascript: ['sleep(10)'],
    });
  });
});
