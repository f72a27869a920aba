import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbAuthEvent } from '#sidecar/events.ts';
import { postgresql } from '#sidecar/protocols/postgresql.ts';
import { cleartextCredentials } from '#sidecar/threats/cleartext-credentials.ts';
import {
  freePort,
  hasBinaries,
  isRoot,
  type RecordingProxy,
  run,
  startDaemon,
  startRecordingProxy,
  stopDaemon,
  userIds,
  waitForPostgres,
} from '#test/fixtures/protocols/live-servers.ts';
import {
  ascii,
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
import { runThreat } from '../threats/threat-factories.ts';

// Built by hand from the PostgreSQL docs, "Frontend/Backend Protocol" → "Message Formats".
// StartupMessage: Int32 length, Int32 196608 (protocol 3.0), name/value C strings, a final NUL.
const startup = concat(
  hex('00000038 00030000'),
  ascii('user\0alice\0database\0shop\0application_name\0psql\0\0'),
);
// SSLRequest: Int32 8, Int32 80877103.
const sslRequest = hex('00000008 04d2162f');
// AuthenticationMD5Password: 'R', Int32 12, Int32 5, Byte4 salt.
const md5Request = hex('52 0000000c 00000005 01020304');
// PasswordMessage: 'p', Int32 length, the password as a C string.
const password = concat(hex('70 00000028'), ascii('md5ceffc01dcde7541829deef6b5e9c9142\0'));
// AuthenticationOk: 'R', Int32 8, Int32 0; then ReadyForQuery: 'Z', Int32 5, Byte1 'I'.
const authOk = hex('52 00000008 00000000 5a 00000005 49');
// Query: 'Q', Int32 length, the query string.
const query = (sql: string): Uint8Array => {
  const body = ascii(`${sql}\0`);
  const header = new Uint8Array(5);
  header[0] = 0x51;
  new DataView(header.buffer).setUint32(1, body.length + 4);
  return concat(header, body);
};
// Parse: 'P', Int32 length, statement name "", query, Int16 0 parameter types.
const parse = concat(hex('50 00000026 00'), ascii('SELECT name FROM t WHERE id=$1\0'), hex('0000'));
// ErrorResponse: 'E', Int32 length, fields S, V, C (SQLSTATE), M, then a NUL ("Error and Notice Message Fields").
const authError = concat(
  hex('45 00000058'),
  ascii('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "alice"\0Rauth_failed\0\0'),
);

const session: Segment[] = [
  ['to-server', startup],
  ['to-client', md5Request],
  ['to-server', password],
  ['to-client', authOk],
  ['to-server', concat(query('SELECT 1'), parse)],
];

describe('postgresql detect', () => {
  it('matches a minimal SSLRequest, GSSENCRequest and CancelRequest', () => {
    expect(postgresql.detect(sslRequest, 'to-server')).toBe('match');
    expect(postgresql.detect(hex('00000008 04d21630'), 'to-server')).toBe('match');
    expect(postgresql.detect(hex('00000010 04d2162e 00001234 deadbeef'), 'to-server')).toBe('match');
  });

  it('matches a realistic StartupMessage and the first server messages', () => {
    expect(postgresql.detect(startup, 'to-server')).toBe('match');
    expect(postgresql.detect(md5Request, 'to-client')).toBe('match');
    expect(postgresql.detect(authOk, 'to-client')).toBe('match');
    expect(postgresql.detect(authError, 'to-client')).toBe('match');
    expect(postgresql.detect(hex('52 00000017 0000000a 5343 52414d2d5348412d32353600 00'), 'to-client')).toBe(
      'match',
    );
  });

  it('matches a simple Query picked up mid-stream', () => {
    expect(postgresql.detect(query('SELECT * FROM users WHERE id = 1'), 'to-server')).toBe('match');
  });

  it('needs more on a too-short prefix of each', () => {
    for (const bytes of [startup, sslRequest, md5Request, authError, query('SELECT 1')]) {
      for (const n of [1, 3, 6]) {
        const direction = bytes[0] === 0x52 || bytes[0] === 0x45 ? 'to-client' : 'to-server';
        expect(postgresql.detect(bytes.subarray(0, n), direction)).toBe('need-more');
      }
    }
    expect(postgresql.detect(startup.subarray(0, 30), 'to-server')).toBe('need-more');
  });

  it('rejects a startup without a user, a wrong length and a bad terminator', () => {
    expect(
      postgresql.detect(concat(hex('00000017 00030000'), ascii('database\0shop\0\0')), 'to-server'),
    ).toBe('no-match');
    expect(postgresql.detect(hex('00000009 04d2162f 00'), 'to-server')).toBe('no-match');
    expect(postgresql.detect(hex('52 00000009 00000000 00'), 'to-client')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('postgresql')) {
      expect([sample.protocol, postgresql.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('postgresql parser', () => {
  const expected = [
    {
      kind: 'db-auth',
      direction: 'to-client',
      dialect: 'postgresql',
      ok: true,
      user: 'alice',
      method: 'md5',
    },
    { kind: 'sql-query', direction: 'to-server', dialect: 'postgresql', text: 'SELECT 1' },
    {
      kind: 'sql-query',
      direction: 'to-server',
      dialect: 'postgresql',
      text: 'SELECT name FROM t WHERE id=$1',
    },
  ];

  it('emits queries (simple and extended) and a successful login', () => {
    expect(feed(postgresql, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    const result = everySplitAgrees(postgresql, session);
    expect(result.mismatch).toBeUndefined();
    expect(result.cuts).toBeGreaterThan(30);
    expect(feedByteByByte(postgresql, session)).toEqual(expected);
  });

  it('reports a failed password with its SQLSTATE', () => {
    const events = feed(postgresql, [
      ['to-server', startup],
      ['to-client', authError],
    ]);
    expect(events).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'postgresql',
        ok: false,
        user: 'alice',
        message: '28P01 password authentication failed for user "alice"',
      },
    ]);
  });

  it('tells a cleartext password login (AuthenticationCleartextPassword, code 3) from an MD5 one', () => {
    // 'R', Int32 8, Int32 3; the client's PasswordMessage then carries the password itself.
    const cleartextRequest = hex('52 00000008 00000003');
    const plain = concat(hex('70 0000000d'), ascii('hunter2\0'));
    const events = feed(postgresql, [
      ['to-server', startup],
      ['to-client', cleartextRequest],
      ['to-server', plain],
      ['to-client', authOk],
    ]);
    expect(events).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'postgresql',
        ok: true,
        user: 'alice',
        method: 'cleartext',
      },
    ]);
  });

  it('stops after the server accepts SSL, and reads on after it refuses', () => {
    const secret = query('SELECT secret');
    expect(
      feed(postgresql, [
        ['to-server', sslRequest],
        ['to-client', ascii('S')],
        ['to-server', secret],
      ]),
    ).toEqual([]);
    expect(
      feed(postgresql, [
        ['to-server', sslRequest],
        ['to-client', ascii('N')],
        ['to-server', secret],
      ]),
    ).toHaveLength(1);
  });

  it('tells GSSAPI encryption accepted (G) as the encrypted operation and reads no further; reads on after N', () => {
    // GSSENCRequest (PostgreSQL 12+): Int32 8, Int32 80877104; the server answers 'G' or 'N' (protocol-flow §55.2.11).
    const gssencRequest = hex('00000008 04d21630');
    const secret = query('SELECT secret');
    expect(
      feed(postgresql, [
        ['to-server', gssencRequest],
        ['to-client', ascii('G')],
        ['to-server', secret],
      ]),
    ).toEqual([
      {
        kind: 'operation',
        direction: 'to-client',
        protocol: 'postgresql',
        operation: 'encrypted',
        detail: 'GSSAPI encryption',
      },
    ]);
    expect(
      feed(postgresql, [
        ['to-server', gssencRequest],
        ['to-client', ascii('N')],
        ['to-server', secret],
      ]),
    ).toMatchObject([{ kind: 'sql-query', text: 'SELECT secret' }]);
    // 'G' answers only a GSSENCRequest: after an SSLRequest it is no answer the protocol has, and reading stops.
    expect(
      feed(postgresql, [
        ['to-server', sslRequest],
        ['to-client', ascii('G')],
        ['to-server', secret],
      ]),
    ).toEqual([]);
  });

  it('keeps at most 64 KiB of SQL text and survives a 100 KiB query', () => {
    const big = query(`SELECT '${'x'.repeat(100_000)}'`);
    const events = feed(postgresql, [
      ['to-server', big],
      ['to-server', query('SELECT 2')],
    ]) as { text: string }[];
    expect(events.map((e) => e.text.length)).toEqual([65536, 8]);
  });

  it('stays in frame across a loss of known length inside a long query, and reads the next one (ADR 34)', () => {
    const parser = postgresql.createParser();
    const big = query(`SELECT '${'x'.repeat(5000)}'`);
    expect(parser.parse(big.subarray(0, 1000), 'to-server', 1)).toEqual([]);
    parser.gap('to-server', 2000);
    const rest = new Uint8Array([...big.subarray(3000), ...query('SELECT 2')]);
    expect(parser.parse(rest, 'to-server', 2)).toMatchObject([{ kind: 'sql-query', text: 'SELECT 2' }]);
  });

  it('stops a direction on garbage instead of throwing', () => {
    expect(
      feed(postgresql, [
        ['to-server', hex('ff ff ff ff')],
        ['to-server', query('SELECT 1')],
      ]),
    ).toEqual([]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(postgresql, ['to-server', startup]).randomMatches).toBe(0);
  });
});

describe('postgresql on nDPI pgsql.pcap (real bytes)', () => {
  const flows = ndpiFlows('postgresql');

  it('detects every flow that nDPI labels PostgreSQL by DPI', () => {
    expect(flows.map((f) => detectFlow(postgresql, f.segments))).toEqual(flows.map(() => true));
  });

  it('reads logins and queries from the captured sessions', () => {
    const events = flows.flatMap((f) => feed(postgresql, f.segments)) as { kind: string; text?: string }[];
    const sql = events.filter((e) => e.kind === 'sql-query').map((e) => e.text);
    expect(sql).toContain('select revision from mailstore for update');
    expect(sql).toContain('select * from mailboxes');
    expect(events.filter((e) => e.kind === 'db-auth')).toContainEqual(
      expect.objectContaining({ ok: true, user: 'test' }),
    );
  });
});

describe('postgresql among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow postgresql', () => {
    const flows = ndpiFlows('postgresql');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'postgresql'));
  });
});

const pgBin = '/usr/lib/postgresql/15/bin';
const pgAvailable = isRoot && hasBinaries(`${pgBin}/initdb`, `${pgBin}/postgres`, `${pgBin}/psql`);

// Needs root to run initdb/postgres as the `postgres` user (Debian postgresql-15); skipped otherwise.
describe.skipIf(!pgAvailable)('postgresql against a real PostgreSQL 15 server and psql', () => {
  let server: ChildProcess | undefined;
  let proxy: RecordingProxy | undefined;
  let dir = '';

  beforeAll(async () => {
    const { uid, gid } = userIds('postgres');
    dir = mkdtempSync(join(tmpdir(), 'meshward-pg-'));
    chownSync(dir, uid, gid);
    writeFileSync(join(dir, 'pw'), 'secretpw\n');
    chownSync(join(dir, 'pw'), uid, gid);
    const init = [
      `-D${join(dir, 'data')}`,
      '-Uapp',
      `--pwfile=${join(dir, 'pw')}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-N',
    ];
    expect((await run(`${pgBin}/initdb`, init, { uid, gid })).code).toBe(0);
    // One role still on the `password` method, which sends the password as it is (AuthenticationCleartextPassword).
    const hba = join(dir, 'data', 'pg_hba.conf');
    writeFileSync(hba, `host all legacy 127.0.0.1/32 password\n${readFileSync(hba, 'utf8')}`);
    const port = await freePort();
    const args = [
      '-D',
      join(dir, 'data'),
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
    ];
    server = startDaemon(`${pgBin}/postgres`, args, { uid, gid });
    await waitForPostgres(pgBin, '127.0.0.1', port, server);
    const createRole = ['-h', dir, '-p', String(port), '-U', 'app', '-d', 'postgres'];
    const role = await run(
      `${pgBin}/psql`,
      [...createRole, '-c', "CREATE ROLE legacy LOGIN PASSWORD 'oldpw'"],
      {
        uid,
        gid,
      },
    );
    expect(role.code).toBe(0);
    proxy = await startRecordingProxy(port);
  });

  afterAll(async () => {
    await proxy?.close();
    await stopDaemon(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a refused SCRAM login (28P01), an accepted one and the query, labelled postgresql', async () => {
    const conn = (password: string) =>
      `host=127.0.0.1 port=${proxy?.port} user=app dbname=postgres password=${password} sslmode=prefer`;
    const refused = await run(`${pgBin}/psql`, [conn('wrong'), '-c', 'SELECT 1']);
    expect(refused.stderr).toContain('password authentication failed');
    const accepted = await run(`${pgBin}/psql`, [
      conn('secretpw'),
      '-tAc',
      "SELECT count(*) FROM pg_class WHERE relname = 'pg_type'",
    ]);
    expect(accepted.stdout.trim()).toBe('1');
    const [first = [], second = []] = proxy?.connections ?? [];
    expect(feed(postgresql, first)).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'postgresql',
        ok: false,
        user: 'app',
        message: '28P01 password authentication failed for user "app"',
        method: 'sasl',
      },
    ]);
    expect(feed(postgresql, second)).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'postgresql',
        ok: true,
        user: 'app',
        method: 'sasl',
      },
      {
        kind: 'sql-query',
        direction: 'to-server',
        dialect: 'postgresql',
        text: "SELECT count(*) FROM pg_class WHERE relname = 'pg_type'",
      },
    ]);
    expect([engineLabel(first), engineLabel(second)]).toEqual(['postgresql', 'postgresql']);
  });

  it('reads a login on the `password` method as cleartext, and cleartext-credentials names its user', async () => {
    const conn = `host=127.0.0.1 port=${proxy?.port} user=legacy dbname=postgres password=oldpw sslmode=disable`;
    expect((await run(`${pgBin}/psql`, [conn, '-tAc', 'SELECT 1'])).stdout.trim()).toBe('1');
    const last = proxy?.connections.at(-1) ?? [];
    const auth = feed(postgresql, last).filter((e) => (e as { kind: string }).kind === 'db-auth');
    expect(auth).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'postgresql',
        ok: true,
        user: 'legacy',
        method: 'cleartext',
      },
    ]);
    const hits = runThreat(
      cleartextCredentials,
      auth.map((e) => ({ ...(e as DbAuthEvent), ts: 1 })),
    ).map((h) => h.evidence);
    expect(hits).toEqual(['a postgresql password for user legacy (cleartext method) sent unencrypted']);
    expect(JSON.stringify(feed(postgresql, last))).not.toContain('oldpw');
  });
});
