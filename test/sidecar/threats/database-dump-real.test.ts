/**
 * Databases copied out whole by the real dump tools, side by side with nDPI: mariadb-dump against MariaDB 10.11,
 * pg_dump against PostgreSQL 15 and `redis-cli --rdb` against Redis 7, each on a database of four tables (or keys),
 * recorded through the loopback relay on ports that say HTTP, HTTPS and DNS. A query that reads one table stays
 * unreported. Root: the servers run as root or as postgres; skipped otherwise.
 */
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import {
  freePort,
  hasBinaries,
  isRoot,
  run,
  startDaemon,
  startMariadb,
  stopDaemon,
  userIds,
  waitForPort,
  waitForPostgres,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { type RecordedChunk, recordClient } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, type RecordedSession, recordAndInspect } from './recorded-sessions.ts';

const pgBin = '/usr/lib/postgresql/15/bin';
const available =
  isRoot &&
  ndpiAvailable() &&
  hasBinaries(
    '/usr/sbin/mariadbd',
    '/usr/bin/mariadb-install-db',
    '/usr/bin/mariadb',
    '/usr/bin/mariadb-dump',
  ) &&
  hasBinaries(`${pgBin}/initdb`, `${pgBin}/postgres`, `${pgBin}/psql`, `${pgBin}/pg_dump`) &&
  hasBinaries('/usr/bin/redis-server', '/usr/bin/redis-cli');

const tables = ['users', 'orders', 'cards', 'audit'];
const dir = mkdtempSync(join(tmpdir(), 'meshward-dump-'));
const daemons: ChildProcess[] = [];
const ports = { mariadb: 0, postgres: 0, redis: 0 };

const startShopMariadb = async () => {
  const { port, daemon } = await startMariadb(dir);
  ports.mariadb = port;
  daemons.push(daemon);
  const ddl = tables.map(
    (t) => `CREATE TABLE shop.${t} (id INT PRIMARY KEY, v TEXT); INSERT INTO shop.${t} VALUES (1, 'x');`,
  );
  const sql = ['CREATE DATABASE shop;', ...ddl].join(' ');
  const base = ['--no-defaults', '-h', '127.0.0.1', '-P', String(ports.mariadb), '-u', 'root', '--ssl=0'];
  expect((await run('/usr/bin/mariadb', [...base, '-e', sql])).code).toBe(0);
};

const startPostgres = async () => {
  const { uid, gid } = userIds('postgres');
  const data = join(dir, 'pg');
  chownSync(dir, uid, gid);
  expect(
    (await run(`${pgBin}/initdb`, [`-D${data}`, '-Uapp', '--auth=trust', '-N'], { uid, gid })).code,
  ).toBe(0);
  ports.postgres = await freePort();
  const args = [
    '-D',
    data,
    '-p',
    String(ports.postgres),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ];
  const server = startDaemon(`${pgBin}/postgres`, args, { uid, gid });
  daemons.push(server);
  await waitForPostgres(pgBin, '127.0.0.1', ports.postgres, server);
  const ddl = tables.map(
    (t) => `CREATE TABLE ${t} (id int primary key, v text); INSERT INTO ${t} VALUES (1, 'x');`,
  );
  const psql = [
    '-h',
    '127.0.0.1',
    '-p',
    String(ports.postgres),
    '-U',
    'app',
    '-d',
    'postgres',
    '-c',
    ddl.join(' '),
  ];
  expect((await run(`${pgBin}/psql`, psql)).code).toBe(0);
};

const startRedis = async () => {
  ports.redis = await freePort();
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(ports.redis),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  daemons.push(startDaemon('/usr/bin/redis-server', args));
  await waitForPort(ports.redis);
  for (const t of tables) await run('/usr/bin/redis-cli', ['-p', String(ports.redis), 'SET', t, 'x']);
};

/** Runs a client through a recorder in front of `target`; the recorded chunks. */
const through = async (
  target: () => number,
  client: (port: number) => [string, string[]],
): Promise<RecordedChunk[]> =>
  recordClient(target(), async (port) => {
    const [command, args] = client(port);
    const result = await run(command, args);
    expect(result.code, result.stderr).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

const sessions: RecordedSession[] = [
  {
    name: 'mariadb-dump',
    port: 80,
    record: () =>
      through(
        () => ports.mariadb,
        (port) => [
          '/usr/bin/mariadb-dump',
          ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '--ssl=0', 'shop'],
        ],
      ),
  },
  {
    name: 'pg_dump',
    port: 443,
    record: () =>
      through(
        () => ports.postgres,
        (port) => [
          `${pgBin}/pg_dump`,
          ['-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'postgres'],
        ],
      ),
  },
  {
    name: 'redis-cli --rdb',
    port: 53,
    record: () =>
      through(
        () => ports.redis,
        (port) => ['/usr/bin/redis-cli', ['-p', String(port), '--rdb', join(dir, 'stolen.rdb')]],
      ),
  },
  {
    name: 'one table read by an app',
    port: 8080,
    record: () =>
      through(
        () => ports.postgres,
        (port) => [
          `${pgBin}/psql`,
          ['-h', '127.0.0.1', '-p', String(port), '-U', 'app', '-d', 'postgres', '-c', 'SELECT * FROM users'],
        ],
      ),
  },
];

describe.skipIf(!available)(
  `databases copied out by the real dump tools, against nDPI${available ? '' : ' (skipped: needs root, mariadb-server, postgresql, redis-server, libndpi-bin)'}`,
  () => {
    let found: ThreatFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      await Promise.all([startShopMariadb(), startPostgres(), startRedis()]);
      const result = await recordAndInspect(sessions, dir, 'dumps.pcap');
      found = result.ours.filter((f) => f.threat === 'database-dump');
      ndpiLines = result.ndpiLines;
    }, 120_000);

    afterAll(async () => {
      for (const daemon of daemons) await stopDaemon(daemon);
      rmSync(dir, { recursive: true, force: true });
    });

    const on = (port: number) => found.filter((f) => f.server.port === port);

    it('reports mariadb-dump and pg_dump as one sure finding each, counting the four tables', () => {
      expect(on(80).map((f) => [f.severity, f.confidence, f.count, f.evidence])).toEqual([
        // mariadb-dump goes through the tables in name order.
        ['medium', 0.9, 4, "tables read whole with mysqldump's statements, the first `audit`"],
      ]);
      expect(on(443).map((f) => [f.severity, f.confidence, f.count])).toEqual([['medium', 0.9, 4]]);
      expect(on(443)[0]?.evidence).toMatch(
        /^tables read whole with COPY … TO stdout, the first public\.\w+$/,
      );
    });

    it('reports redis-cli --rdb asking for the whole dataset, and leaves a one-table query alone', () => {
      expect(on(53).map((f) => f.evidence)).toEqual([
        'the whole Redis dataset asked for (SYNC) by a client that never said it was a replica',
      ]);
      expect(on(8080)).toEqual([]);
    });

    it('nDPI has no word for a dump', () => {
      console.log(
        `nDPI on the dumps:\n${[80, 443, 53, 8080].map((p) => ndpiLineFor(ndpiLines, p).slice(0, 160)).join('\n')}`,
      );
      for (const port of [80, 443, 53]) expect(ndpiLineFor(ndpiLines, port)).not.toMatch(/dump|exfil/i);
    });
  },
);
