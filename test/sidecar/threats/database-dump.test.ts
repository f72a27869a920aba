import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent, RedisCommandEvent, SqlQueryEvent } from '#sidecar/events.ts';
import { createMongodbParser } from '#sidecar/protocols/mongodb-parser.ts';
import { databaseDump } from '#sidecar/threats/database-dump.ts';
import { opMsg } from '#test/fixtures/protocols/mongodb-wire.ts';
import { concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const sql = (text: string, dialect: SqlQueryEvent['dialect'] = 'mysql'): SqlQueryEvent => ({
  kind: 'sql-query',
  ts: 1_000,
  direction: 'to-server',
  dialect,
  text,
});
const redis = (command: string, ...args: string[]): RedisCommandEvent => ({
  kind: 'redis-command',
  ts: 1_000,
  direction: 'to-server',
  command,
  args,
  seq: 0,
});
/** A MongoDB find as the parser tells it: read whole (no filter), or not. */
const find = (collection: string, whole = true): OperationEvent => ({
  kind: 'operation',
  ts: 1_000,
  direction: 'to-server',
  protocol: 'mongodb',
  operation: 'find',
  detail: collection,
  ...(whole ? { whole: true as const } : {}),
});
const run = (events: ProtocolEvent[], config?: Record<string, unknown>) =>
  runThreat(databaseDump, events, config === undefined ? {} : { config });

describe('database-dump', () => {
  it("reads mysqldump's per-table statements: less sure at the first table, sure from the third", () => {
    const hits = run(
      ['users', 'orders', 'cards', 'audit'].map((t) =>
        sql(`SELECT /*!40001 SQL_NO_CACHE */ * FROM \`${t}\``),
      ),
    );
    expect(hits.map((h) => h.confidence)).toEqual([0.6, 0.6, 0.9, 0.9]);
    expect(hits[0]).toMatchObject({
      threat: 'database-dump',
      severity: 'medium',
      evidence: "tables read whole with mysqldump's statements, the first `users`",
    });
  });

  it("reads mariadb-dump's form, which lists the columns", () => {
    expect(run([sql('SELECT /*!40001 SQL_NO_CACHE */ `id`, `v` FROM `users`')])[0]?.evidence).toBe(
      "tables read whole with mysqldump's statements, the first `users`",
    );
  });

  it('reads pg_dump and psql COPY … TO stdout, on PostgreSQL only', () => {
    const copy = 'COPY public.customers (id, name, email) TO stdout;';
    expect(run([sql(copy, 'postgresql')])[0]?.evidence).toBe(
      'tables read whole with COPY … TO stdout, the first public.customers',
    );
    expect(run([sql('COPY (SELECT * FROM t) TO STDOUT WITH CSV', 'postgresql')])).toHaveLength(1);
    expect(run([sql(copy, 'mysql')])).toEqual([]);
  });

  it('leaves hostile look-alikes unreported', () => {
    const hostile = `COPY ${'('.repeat(4000)}${'a '.repeat(2000)}`;
    expect(
      run([sql(hostile, 'postgresql'), sql(`SELECT /*!40001 SQL_NO_CACHE */ ${'x,'.repeat(4000)}`)]),
    ).toEqual([]);
  });

  it('leaves ordinary statements alone', () => {
    for (const text of [
      'SELECT * FROM users',
      'SELECT SQL_NO_CACHE * FROM users WHERE id = 1',
      'COPY t FROM stdin',
      "SELECT '/*!40001 SQL_NO_CACHE */ * FROM `x`'",
    ])
      expect(run([sql(text, 'postgresql'), sql(text)])).toEqual([]);
  });

  it('reports a Redis full sync asked for by a client that is no replica, not by one that is', () => {
    expect(run([redis('REPLCONF', 'rdb-only', '1'), redis('SYNC')])[0]?.evidence).toBe(
      'the whole Redis dataset asked for (SYNC) by a client that never said it was a replica',
    );
    expect(run([redis('REPLCONF', 'listening-port', '6379'), redis('PSYNC', '?', '-1')])).toEqual([]);
  });

  it("reads mongodump's and mongoexport's finds with no filter: less sure at the first collection, sure from the third", () => {
    const hits = run(['shop.users', 'shop.orders', 'shop.cards', 'admin.system.users'].map((c) => find(c)));
    expect(hits.map((h) => h.confidence)).toEqual([0.6, 0.6, 0.9, 0.9]);
    expect(hits[0]).toMatchObject({
      severity: 'medium',
      evidence:
        'collections read whole with find and no filter (as mongodump and mongoexport do), the first shop.users',
    });
  });

  it("keeps an application's find({}) on one small collection less sure, however often, and leaves filtered finds alone", () => {
    const app = run(Array.from({ length: 20 }, () => find('shop.settings')));
    expect(app.map((h) => h.confidence)).toEqual([0.6]);
    expect(run(['shop.users', 'shop.orders', 'shop.cards'].map((c) => find(c, false)))).toEqual([]);
    const other: OperationEvent = { ...find('shop.users'), protocol: 'elasticsearch' };
    expect(run([other])).toEqual([]);
  });

  it('reads the finds off the wire through the MongoDB parser (OP_MSG built from the specification)', () => {
    // mongodump: listCollections, then per collection a count and a find with an empty filter (mongo-tools,
    // mongodump.go DumpIntent and common/db/query.go); an application's filtered find in between is no table read.
    const lsid = { id: new Uint8Array(16) };
    const bytes = concat(
      opMsg(1, 0, { listCollections: 1, filter: {}, cursor: {}, lsid, $db: 'shop' }),
      ...['users', 'orders', 'cards'].flatMap((c, i) => [
        opMsg(10 + i, 0, { count: c, query: {}, lsid, $db: 'shop' }),
        opMsg(20 + i, 0, { find: c, filter: {}, lsid, $db: 'shop' }),
      ]),
      opMsg(30, 0, { find: 'users', filter: { _id: 7 }, limit: 1, lsid, $db: 'shop' }),
    );
    const events = createMongodbParser().parse(bytes, 'to-server', 1_000);
    expect(run(events).map((h) => h.confidence)).toEqual([0.6, 0.6, 0.9]);
  });

  it('follows the policy: the number of tables, allowed clients and servers', () => {
    const one = [sql('SELECT /*!40001 SQL_NO_CACHE */ * FROM `db`.`t`')];
    expect(run(one, { tables: 1 })[0]?.confidence).toBe(0.9);
    expect(run([find('shop.users')], { tables: 1 })[0]?.confidence).toBe(0.9);
    expect(runThreat(databaseDump, one, { flow: flow(), config: { allowClients: ['10.0.0.5'] } })).toEqual(
      [],
    );
    expect(
      runThreat(databaseDump, one, { flow: flow(), config: { allowServers: ['10.0.0.9:8080'] } }),
    ).toEqual([]);
    expect(() => databaseDump.config.parse({ tables: 0 })).toThrow();
  });
});
