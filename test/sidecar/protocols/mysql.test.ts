import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysql } from '#sidecar/protocols/mysql.ts';
import {
  freePort,
  hasBinaries,
  isRoot,
  type RecordingProxy,
  run,
  startDaemon,
  startRecordingProxy,
  stopDaemon,
  waitForPort,
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

// MySQL 8.0.36 Protocol::HandshakeV10, copied from nDPI's mysql.pcapng (flow 2, first server segment):
// int<3> length 0x4a, seq 0 | 0x0a | "8.0.36\0" | thread id | 8 salt bytes | 0x00 filler | caps | charset |
// status | caps (upper) | salt length | 10 reserved zeros | rest of salt | "caching_sha2_password\0".
const greeting = hex(
  '4a0000000a382e302e3336000c00000031747567785f235600ffffff0200ffdf150000000000000000000070223e346d0f367c31226a7c0063616368696e675f736861325f70617373776f726400',
);
// The same capture's SSLRequest: seq 1, 32-byte payload with CLIENT_SSL (0x0800) and 23 zero bytes.
const sslRequest = hex('2000000185aeff1900000001ff0000000000000000000000000000000000000000000000');
// Protocol::HandshakeResponse41, built by hand (MySQL docs, "Protocol::HandshakeResponse"): seq 1,
// caps 0x000aa285 (PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH; no SSL), max packet, charset 0x21,
// 23 zeros, user "app\0", auth response length 20 + 20 bytes, plugin name.
const response = concat(
  hex('4f000001 85a20a00 00000001 21 0000000000000000000000000000000000000000000000'),
  ascii('app\0'),
  hex('14 0102030405060708090a0b0c0d0e0f1011121314'),
  ascii('mysql_native_password\0'),
);
// OK_Packet (MySQL docs, "OK_Packet"): 0x00, affected rows, last insert id, status, warnings.
const ok = hex('07000002 00 00 00 0200 0000');
// ERR_Packet: 0xff, error code 1045 (ER_ACCESS_DENIED_ERROR), '#', SQL state "28000", message.
const denied = concat(
  hex('47000002 ff 1504 23'),
  ascii("28000Access denied for user 'app'@'localhost' (using password: YES)"),
);
// COM_QUERY (0x03) in a packet with seq 0.
const comQuery = (sql: string): Uint8Array => {
  const header = Uint8Array.of(sql.length + 1, 0, 0, 0, 0x03);
  return concat(header, ascii(sql));
};
// COM_STMT_PREPARE (0x16).
const prepare = concat(hex('20000000 16'), ascii('UPDATE t SET a = ? WHERE id = ?'));

const session: Segment[] = [
  ['to-client', greeting],
  ['to-server', response],
  ['to-client', ok],
  ['to-server', concat(comQuery('SELECT * FROM users WHERE id = 1'), prepare)],
];

describe('mysql detect', () => {
  it('matches a greeting (MySQL and MariaDB) and a minimal handshake response', () => {
    expect(mysql.detect(greeting, 'to-client')).toBe('match');
    const maria = ndpiFlows('mysql')[0]?.segments[0]?.[1] ?? new Uint8Array(0);
    expect(Buffer.from(maria.subarray(5, 26)).toString()).toBe('5.5.5-10.6.12-MariaDB');
    expect(mysql.detect(maria, 'to-client')).toBe('match');
    expect(mysql.detect(sslRequest, 'to-server')).toBe('match');
    expect(mysql.detect(response, 'to-server')).toBe('match');
  });

  it('matches a COM_QUERY picked up mid-stream and a greeting-time ERR packet', () => {
    expect(mysql.detect(comQuery('select @@version_comment limit 1'), 'to-server')).toBe('match');
    const tooMany = concat(hex('17000000 ff 1004'), ascii('Too many connections'));
    expect(mysql.detect(tooMany, 'to-client')).toBe('match');
  });

  it('needs more on a too-short prefix', () => {
    expect(mysql.detect(greeting.subarray(0, 3), 'to-client')).toBe('need-more');
    expect(mysql.detect(greeting.subarray(0, 9), 'to-client')).toBe('need-more');
    expect(mysql.detect(greeting.subarray(0, 40), 'to-client')).toBe('need-more');
    expect(mysql.detect(response.subarray(0, 20), 'to-server')).toBe('need-more');
  });

  it('rejects COM_QUERY text that is not SQL and a response without the 23 zero bytes', () => {
    expect(mysql.detect(comQuery('hello world, this is not sql'), 'to-server')).toBe('no-match');
    const bad = response.slice();
    bad[20] = 1;
    expect(mysql.detect(bad, 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('mysql')) {
      expect([sample.protocol, mysql.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('mysql parser', () => {
  const expected = [
    { kind: 'db-auth', direction: 'to-client', dialect: 'mysql', ok: true, user: 'app' },
    { kind: 'sql-query', direction: 'to-server', dialect: 'mysql', text: 'SELECT * FROM users WHERE id = 1' },
    { kind: 'sql-query', direction: 'to-server', dialect: 'mysql', text: 'UPDATE t SET a = ? WHERE id = ?' },
  ];

  it('emits the login outcome and SQL from COM_QUERY and COM_STMT_PREPARE', () => {
    expect(feed(mysql, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    const result = everySplitAgrees(mysql, session);
    expect(result.mismatch).toBeUndefined();
    expect(feedByteByByte(mysql, session)).toEqual(expected);
  });

  it('reports access denied (1045) as a failed login', () => {
    expect(
      feed(mysql, [
        ['to-client', greeting],
        ['to-server', response],
        ['to-client', denied],
      ]),
    ).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'mysql',
        ok: false,
        user: 'app',
        message: "1045 Access denied for user 'app'@'localhost' (using password: YES)",
      },
    ]);
  });

  it('reads TLS after an SSLRequest, in both directions: the hellos, not MySQL packets', () => {
    const flow = ndpiFlows('mysql')[1]?.segments ?? [];
    expect(flow.length).toBeGreaterThan(5);
    const events = feed(mysql, flow);
    expect(events.map((e) => (e as { kind: string }).kind)).toEqual([
      'tls-record',
      'tls-client-hello',
      'tls-record',
      'tls-server-hello',
      'tls-record',
      'tls-record',
    ]);
    expect(events[1]).toMatchObject({ version: 'TLS1.3', ja3Hash: 'dd99f0b11b7a721ecdb698a10a9585cb' });
    expect(events[3]).toMatchObject({ version: 'TLS1.3', cipherSuite: 0x1302 });
  });

  it('passes the local contract check', () => {
    expect(contractCheck(mysql, ['to-client', greeting]).randomMatches).toBe(0);
  });
});

describe('mysql on nDPI mysql.pcapng (real bytes)', () => {
  it('detects both flows and reads the MariaDB session', () => {
    const flows = ndpiFlows('mysql');
    expect(flows.map((f) => detectFlow(mysql, f.segments))).toEqual([true, true]);
    expect(feed(mysql, flows[0]?.segments ?? [])).toEqual([
      { kind: 'db-auth', direction: 'to-client', dialect: 'mysql', ok: true, user: 'admin' },
      {
        kind: 'sql-query',
        direction: 'to-server',
        dialect: 'mysql',
        text: 'select @@version_comment limit 1',
      },
    ]);
  });
});

describe('mysql among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow mysql', () => {
    const flows = ndpiFlows('mysql');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'mysql'));
  });
});

const mariadbAvailable =
  isRoot && hasBinaries('/usr/bin/mariadb-install-db', '/usr/sbin/mariadbd', '/usr/bin/mariadb');

// Needs root (mariadbd runs with --user=root here; Debian mariadb-server, mariadb-client); skipped otherwise.
describe.skipIf(!mariadbAvailable)('mysql against a real MariaDB 10.11 server and the mariadb client', () => {
  let server: ChildProcess | undefined;
  let proxy: RecordingProxy | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshward-mariadb-'));
    const data = join(dir, 'data');
    const install = [
      '--no-defaults',
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--user=root',
      '--skip-test-db',
    ];
    expect((await run('/usr/bin/mariadb-install-db', install)).code).toBe(0);
    const port = await freePort();
    server = startDaemon('/usr/sbin/mariadbd', [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'sock')}`,
      `--pid-file=${join(dir, 'pid')}`,
      '--user=root',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
    ]);
    await waitForPort(port, 30_000);
    proxy = await startRecordingProxy(port);
  });

  afterAll(async () => {
    await proxy?.close();
    await stopDaemon(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads access denied (1045), an accepted login and the query, labelled mysql', async () => {
    const base = ['--no-defaults', '-h', '127.0.0.1', '-P', String(proxy?.port), '--ssl=0'];
    const refused = await run('/usr/bin/mariadb', [...base, '-u', 'root', '-pwrong', '-e', 'SELECT 1']);
    expect(refused.stderr).toContain('Access denied');
    const accepted = await run('/usr/bin/mariadb', [...base, '-u', 'root', '-N', '-e', 'SELECT 40 + 2']);
    expect(accepted.stdout.trim()).toBe('42');
    const [first = [], second = []] = proxy?.connections ?? [];
    const auth = (segments: Segment[]) =>
      (feed(mysql, segments) as { kind: string; ok?: boolean; user?: string; message?: string }[]).filter(
        (e) => e.kind === 'db-auth',
      );
    expect(auth(first)).toEqual([
      expect.objectContaining({
        ok: false,
        user: 'root',
        message: expect.stringMatching(/^1045 Access denied for user 'root'@/),
      }),
    ]);
    expect(auth(second)).toEqual([expect.objectContaining({ ok: true, user: 'root' })]);
    const sql = (feed(mysql, second) as { kind: string; text?: string }[])
      .filter((e) => e.kind === 'sql-query')
      .map((e) => e.text);
    expect(sql).toContain('SELECT 40 + 2');
    expect([engineLabel(first), engineLabel(second)]).toEqual(['mysql', 'mysql']);
  });
});
