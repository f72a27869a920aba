/**
 * TDS from a real client: FreeTDS's `tsql` (Debian's freetds-bin, installed by .ci/run) logs in to a SQL Server
 * stand-in (`fake-tds-server.ts`) through a loopback relay that records both directions. The client's bytes (PRELOGIN,
 * LOGIN7, SQL batches with their ALL_HEADERS) are FreeTDS's own; the server's answers are ours.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { mssql } from '#sidecar/protocols/mssql.ts';
import { engineLabel, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, tcpConversation } from '../engine/conversation.ts';
import { type FakeTdsServer, startFakeTdsServer } from './fake-tds-server.ts';
import { type RecordedChunk, type Recorder, startRecorder } from './loopback-recorder.ts';

const hasTsql = spawnSync('tsql', ['-C'], { stdio: 'ignore' }).status === 0;
const password = 'Str0ng!pass';
const injected = "SELECT name FROM users WHERE id = '1' OR '1'='1' --";

/** Runs tsql once: logs in as `user` and sends each batch followed by `go`. */
const tsql = (port: number, user: string, secret: string, batches: readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'tsql',
      ['-H', '127.0.0.1', '-p', String(port), '-U', user, '-P', secret, '-o', 'q'],
      {
        env: { ...process.env, TDSVER: '7.4' },
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(output));
    child.stdin.end(`${batches.map((b) => `${b}\ngo\n`).join('')}exit\n`);
  });

const segmentsOf = (chunks: readonly RecordedChunk[], connection: number): Segment[] =>
  chunks.filter((c) => c.connection === connection).map((c): Segment => [c.direction, c.bytes]);

describe.skipIf(!hasTsql)(
  'mssql from a real client (FreeTDS tsql; skipped: tsql is not installed, apt-get install freetds-bin)',
  () => {
    let server: FakeTdsServer;
    let recorder: Recorder;
    const failedLogins = 12;

    beforeAll(async () => {
      server = await startFakeTdsServer(password);
      recorder = await startRecorder(server.port);
      await tsql(recorder.port, 'app_user', password, ['SELECT 1', injected]);
      for (let i = 0; i < failedLogins; i++) await tsql(recorder.port, 'sa', `guess${i}`, []);
    }, 60_000);

    afterAll(async () => {
      await recorder?.close();
      await server?.close();
    });

    it('the stand-in received both batches from tsql (the exchange really happened)', () => {
      expect(server.batches.map((b) => b.trim())).toEqual(['SELECT 1', injected]);
    });

    it('identifies the connection as mssql from the client side alone, and from the server side alone', () => {
      const segments = segmentsOf(recorder.chunks, 0);
      expect(engineLabel(segments.filter(([d]) => d === 'to-server'))).toBe('mssql');
      expect(engineLabel(segments.filter(([d]) => d === 'to-client'))).toBe('mssql');
    });

    it('reads the login (its user from FreeTDS’s LOGIN7) and the SQL text of each batch', () => {
      const events = feed(mssql, segmentsOf(recorder.chunks, 0)) as { kind: string; [k: string]: unknown }[];
      expect(events.filter((e) => e.kind === 'db-auth')).toEqual([
        expect.objectContaining({ dialect: 'mssql', ok: true, user: 'app_user' }),
      ]);
      expect(events.filter((e) => e.kind === 'sql-query').map((e) => String(e.text).trim())).toEqual([
        'SELECT 1',
        injected,
      ]);
    });

    it('reads each failed login with the user it tried and the error number', () => {
      const events = feed(mssql, segmentsOf(recorder.chunks, 1)) as { kind: string; [k: string]: unknown }[];
      expect(events.filter((e) => e.kind === 'db-auth')).toEqual([
        expect.objectContaining({ dialect: 'mssql', ok: false, user: 'sa' }),
      ]);
    });

    it('through the engine: SQL injection in the batch, and password guessing from the failed logins', () => {
      const db: Endpoints = { client: '10.0.0.7', server: '10.0.0.9', clientPort: 50000, serverPort: 6000 };
      const engine = createEngine({ observers: defaultObservers() });
      for (let connection = 0; connection <= failedLogins; connection++) {
        const messages = recorder.chunks
          .filter((c) => c.connection === connection)
          .map((c) => ({
            from: c.direction === 'to-server' ? ('client' as const) : ('server' as const),
            data: c.bytes,
          }));
        const records = tcpConversation({ ...db, clientPort: db.clientPort + connection }, messages, {
          start: 1_700_000_000_000 + connection * 200,
        });
        for (const record of records) engine.push(record);
      }
      const findings = engine.flush();
      const { flows, threats } = splitFindings(findings);
      expect(flows).toHaveLength(failedLogins + 1);
      expect(flows.every((f) => f.protocol === 'mssql')).toBe(true);
      expect(threats.find((t) => t.threat === 'sql-injection')?.evidence).toContain("OR '1'='1'");
      expect(threats.map((t) => t.threat)).toContain('db-auth-brute-force');
    });
  },
);
