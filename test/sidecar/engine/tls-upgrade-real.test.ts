/**
 * Databases over TLS, as cloud databases require: PostgreSQL 15 with `ssl = on` and psql with `sslmode=require`
 * (the TLS begins after an SSLRequest answered 'S'), MariaDB 10.11 with a certificate and its client with `--ssl`
 * (after an SSL request), recorded through the loopback relay on ports of other protocols and read by our engine and
 * by Debian's ndpiReader. One PostgreSQL connection is held to TLS 1.2, where the server's certificate is in the clear.
 */
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import {
  freePort,
  hasBinaries,
  isRoot,
  run,
  startDaemon,
  startMariadb,
  stopDaemon,
  userIds,
  waitForPostgres,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { recordClient } from '../protocols/loopback-recorder.ts';
import { recordAndInspect } from '../threats/recorded-sessions.ts';

const pgBin = '/usr/lib/postgresql/15/bin';
const available =
  isRoot &&
  hasBinaries(`${pgBin}/postgres`, '/usr/sbin/mariadbd', '/usr/bin/mariadb', '/usr/bin/openssl') &&
  ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-tls-upgrade-'));
const daemons: ChildProcess[] = [];
const ports = { postgres: 0, postgres12: 0, mariadb: 0 };
/** The ports the recorded sessions are written on: each belongs to another protocol. */
const recorded = { postgres: 8080, postgres12: 8443, mariadb: 6379 };

/** A certificate for `name`, readable only by `uid` (PostgreSQL refuses a key others can read). */
const certificate = async (name: string, owner?: { uid: number; gid: number }, file = name) => {
  const key = join(dir, `${file}.key`);
  const cert = join(dir, `${file}.crt`);
  expect((await run('openssl', selfSignedCertArgs(key, cert, name))).code).toBe(0);
  if (owner !== undefined) for (const file of [key, cert]) chownSync(file, owner.uid, owner.gid);
  return { key, cert };
};

const startPostgres = async (data: string, maxTls: string): Promise<number> => {
  const owner = userIds('postgres');
  // A pair of files per server: both start at once, and one pair written over by the other mismatched its key.
  const { key, cert } = await certificate('db.shop.test', owner, `db.shop.test-${maxTls}`);
  const init = await run(`${pgBin}/initdb`, [`-D${data}`, '-Uapp', '--auth=trust', '-N'], owner);
  expect(init.code, init.stderr).toBe(0);
  const port = await freePort();
  const settings = [
    'listen_addresses=127.0.0.1',
    'fsync=off',
    'ssl=on',
    `ssl_cert_file=${cert}`,
    `ssl_key_file=${key}`,
    `ssl_max_protocol_version=${maxTls}`,
  ];
  const args = ['-D', data, '-p', String(port), '-k', dir, ...settings.flatMap((s) => ['-c', s])];
  const server = startDaemon(`${pgBin}/postgres`, args, owner);
  daemons.push(server);
  await waitForPostgres(pgBin, '127.0.0.1', port, server);
  return port;
};

const startMariadbWithTls = async (): Promise<number> => {
  const { key, cert } = await certificate('maria.shop.test');
  const { port, daemon } = await startMariadb(dir, [`--ssl-cert=${cert}`, `--ssl-key=${key}`]);
  daemons.push(daemon);
  return port;
};

/** A client through a recorder in front of `target`: the recorded chunks, and what the client printed. */
const through = (target: number, client: (port: number) => [string, string[]]) =>
  recordClient(target, async (port) => {
    const [command, args] = client(port);
    const result = await run(command, args);
    expect(result.code, result.stderr).toBe(0);
  });

const psql = (port: number): [string, string[]] => [
  `${pgBin}/psql`,
  // hostaddr connects, host names the server: libpq sends it as the TLS server name (sslsni, on by default).
  [
    `hostaddr=127.0.0.1 host=db.shop.test port=${port} user=app dbname=postgres sslmode=require`,
    '-tAc',
    'SELECT 1',
  ],
];

describe.skipIf(!available)(
  `databases over TLS after an SSLRequest, against nDPI${available ? '' : ' (skipped: needs root, postgresql, mariadb-server, openssl, libndpi-bin)'}`,
  () => {
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      chownSync(dir, userIds('postgres').uid, userIds('postgres').gid);
      // All three settle before any failure is thrown, so afterAll stops every server that started.
      const started = await Promise.allSettled([
        startPostgres(join(dir, 'pg'), 'TLSv1.3'),
        startPostgres(join(dir, 'pg12'), 'TLSv1.2'),
        startMariadbWithTls(),
      ]);
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const [postgres = 0, postgres12 = 0, mariadb = 0] = started.map((s) =>
        s.status === 'fulfilled' ? s.value : 0,
      );
      Object.assign(ports, { postgres, postgres12, mariadb });
      const result = await recordAndInspect(
        [
          {
            name: 'psql sslmode=require',
            port: recorded.postgres,
            record: () => through(ports.postgres, psql),
          },
          { name: 'psql, TLS 1.2', port: recorded.postgres12, record: () => through(ports.postgres12, psql) },
          {
            name: 'mariadb --ssl',
            port: recorded.mariadb,
            record: () =>
              through(ports.mariadb, (port) => [
                '/usr/bin/mariadb',
                [
                  '--no-defaults',
                  '-h',
                  '127.0.0.1',
                  '-P',
                  String(port),
                  '-u',
                  'root',
                  '--ssl',
                  '-e',
                  'SELECT 1',
                ],
              ]),
          },
        ],
        dir,
        'tls-upgrade.pcap',
      );
      flows = result.flows;
      threats = result.ours;
      ndpiLines = result.ndpiLines;
    }, 120_000);

    afterAll(async () => {
      for (const daemon of daemons) await stopDaemon(daemon);
      rmSync(dir, { recursive: true, force: true });
    });

    const flowOn = (port: number) => flows.find((f) => f.server.port === port);

    it('PostgreSQL: the flow is encrypted, with the server name psql sent and its TLS 1.3 hellos', () => {
      expect(flowOn(recorded.postgres)).toMatchObject({
        protocol: 'postgresql',
        encrypted: true,
        tls: { sni: 'db.shop.test' },
        l7: { tls: { version: 'TLS1.3' } },
      });
    });

    it("PostgreSQL held to TLS 1.2: the server's certificate is read, and tls-certificate says it is self-signed", () => {
      expect(flowOn(recorded.postgres12)).toMatchObject({
        protocol: 'postgresql',
        encrypted: true,
        l7: { tls: { version: 'TLS1.2' } },
      });
      const onIt = threats
        .filter((t) => t.server.port === recorded.postgres12)
        .map((t) => [t.threat, t.evidence]);
      expect(onIt).toContainEqual(['tls-certificate', expect.stringMatching(/self-signed/)]);
    });

    it('MariaDB: the TLS after the SSL request is read, and the flow is encrypted', () => {
      expect(flowOn(recorded.mariadb)).toMatchObject({
        protocol: 'mysql',
        encrypted: true,
        l7: { tls: { version: expect.stringMatching(/^TLS1\.[23]$/) } },
      });
    });

    it('nDPI 4.2 names the databases but calls them clear text, with no TLS version or server name', () => {
      const line = (port: number) => ndpiLines.find((l) => l.includes(`:${port} `)) ?? '';
      const facts = (port: number) => /\[proto: [\d.]+\/(\w+)\]\[(\w+)\]/.exec(line(port))?.slice(1);
      expect(facts(recorded.postgres)).toEqual(['PostgreSQL', 'ClearText']);
      expect(facts(recorded.postgres12)).toEqual(['PostgreSQL', 'ClearText']);
      expect(facts(recorded.mariadb)).toEqual(['MySQL', 'ClearText']);
      for (const port of Object.values(recorded)) expect(line(port)).not.toMatch(/Hostname\/SNI|TLSv1|\(TLS/);
    });
  },
);
