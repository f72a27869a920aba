/**
 * Mining sessions recorded through the loopback relay into one pcap that our engine and Debian's ndpiReader both
 * read: the npm package stratum-client (a Stratum v1 miner's client written by others: subscribe, authorize, then
 * a share for the pool's job) against a Bitcoin pool responder, and XMRig's CryptoNote login (its lines as XMRig's
 * source builds them) against a Monero pool responder, each on a port that belongs to another protocol; and a
 * JSON-RPC language server session on 3333, a pool port, which is not mining. The responders are written here and
 * speak just enough of each dialect.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import {
  moneroJob,
  moneroLoginAnswer,
  moneroWallet,
  notMining,
  xmrigLogin,
} from '#test/fixtures/protocols/stratum-lines.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { type RecordedChunk, startRecorder } from '../protocols/loopback-recorder.ts';
import { ndpiLineFor, type RecordedSession, recordAndInspect } from './recorded-sessions.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'meshward-mining-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Answer = (message: Record<string, unknown>) => string[];

/** A pool that answers each JSON line with the lines `answer` gives, and closes when the client does. */
const pool = (answer: Answer) =>
  net.createServer((socket) => {
    let buffered = '';
    socket.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim() !== ''))
        for (const out of answer(JSON.parse(line) as Record<string, unknown>)) socket.write(`${out}\n`);
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });

/** A Bitcoin pool as slush's Stratum document describes it; stratum-client keys answers by its string ids. */
const bitcoinPool: Answer = ({ id, method }) => {
  if (method === 'mining.subscribe')
    return [JSON.stringify({ id, result: [[['mining.notify', 'ae68']], '08000002', 4], error: null })];
  if (method === 'mining.authorize')
    return [
      JSON.stringify({ id, result: true, error: null }),
      JSON.stringify({ id: null, method: 'mining.set_difficulty', params: [1] }),
      JSON.stringify({
        id: null,
        method: 'mining.notify',
        params: [
          'bf',
          '4d16b6f8'.repeat(8),
          '01000000',
          '072f736c',
          [],
          '00000002',
          '1c2ac4af',
          '504e86b9',
          true,
        ],
      }),
    ];
  return method === 'mining.submit' ? [JSON.stringify({ id, result: true, error: null })] : [];
};

const moneroPool: Answer = ({ method }) =>
  method === 'login' ? [moneroLoginAnswer.trim(), moneroJob.trim()] : [];

/** Answers a language server's initialize, as any JSON-RPC 2.0 server would. */
const languageServer: Answer = ({ id }) => [
  JSON.stringify({ jsonrpc: '2.0', id, result: { capabilities: {} } }),
];

/** stratum-client in its own process (its socket is module state): subscribe, authorize, one share, then quit. */
const stratumClientScript = `
const client = require('stratum-client');
const miner = client({
  server: '127.0.0.1', port: Number(process.argv[1]), worker: 'bc1qminer.rig7', password: 'x',
  autoReconnectOnError: false,
  onNewMiningWork: (work) => miner.submit({ worker_name: 'bc1qminer.rig7', job_id: work.jobId,
    extranonce2: '00000000', ntime: work.ntime, nonce: 'b2957c02' }),
  onSubmitWorkSuccess: () => miner.shutdown(),
  onSubmitWorkFail: () => miner.shutdown(),
});
setTimeout(() => { miner.shutdown(); process.exit(3); }, 10000).unref();
`;

/** Starts `server` and a relay in front of it; runs `client(port)`; returns what crossed the relay. */
const recorded = async (
  server: net.Server,
  client: (port: number) => Promise<void>,
): Promise<RecordedChunk[]> => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  await client(recorder.port);
  await recorder.close();
  server.close();
  return recorder.chunks;
};

/** Writes lines one by one (each after the answer to the one before), then closes. */
const converse = (lines: readonly string[], answers: number) => async (port: number) => {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = 0;
  const done = new Promise<void>((resolve) => {
    socket.on('data', (data: Buffer) => {
      received += data.toString('utf8').split('\n').length - 1;
      if (received >= answers) resolve();
    });
  });
  for (const line of lines) socket.write(line);
  await done;
  socket.end();
  await once(socket, 'close');
};

const sessions: RecordedSession[] = [
  {
    name: 'stratum-client (Bitcoin Stratum v1) on the HTTPS port',
    port: 443,
    record: () =>
      recorded(pool(bitcoinPool), async (port) => {
        await run(process.execPath, ['-e', stratumClientScript, String(port)], {
          cwd: repo,
          timeout: 20_000,
        });
      }),
  },
  {
    name: "XMRig's CryptoNote login on the HTTP port",
    port: 80,
    record: () => recorded(pool(moneroPool), converse([xmrigLogin], 2)),
  },
  {
    name: 'a JSON-RPC language server session on a mining pool port',
    port: 3333,
    record: () => recorded(pool(languageServer), converse([notMining.languageServer], 1)),
  },
];

describe.skipIf(!ndpiAvailable())(
  `mining sessions from a real Stratum client and XMRig-shaped logins, against nDPI${ndpiAvailable() ? '' : ' (skipped: ndpiReader is not installed, apt-get install libndpi-bin)'}`,
  () => {
    let ours: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      const result = await recordAndInspect(sessions, dir, 'mining.pcap');
      ours = result.ours.filter((f) => f.threat === 'cryptomining');
      flows = result.flows;
      ndpiLines = result.ndpiLines;
    }, 60_000);

    const label = (port: number) => flows.find((f) => f.server.port === port)?.protocol;
    const ndpi = (port: number) => /\[proto: [\d.]+\/([\w.]+)\]/.exec(ndpiLineFor(ndpiLines, port))?.[1];

    it('labels both mining sessions stratum and the language server not; nDPI calls all three Mining', () => {
      expect(sessions.map((s) => [label(s.port), ndpi(s.port)])).toEqual([
        ['stratum', 'Mining'],
        ['stratum', 'Mining'],
        ['unknown', 'Mining'],
      ]);
    });

    it("reads stratum-client's whole session: subscribe, authorize, the pool's work and the share", () => {
      expect(flows.find((f) => f.server.port === 443)?.l7?.operations).toEqual([
        'mining.subscribe',
        'mining.authorize',
        'mining.set_difficulty',
        'mining.notify',
        'mining.submit',
      ]);
    });

    it('reports each miner once, critical, naming the account; nothing for the language server', () => {
      expect(ours.map((f) => [f.server.port, f.severity, f.evidence])).toEqual([
        [443, 'critical', 'logged in to a mining pool (Stratum mining.authorize) as bc1qminer.rig7'],
        [
          80,
          'critical',
          expect.stringMatching(
            new RegExp(
              `^logged in to a mining pool \\(Stratum login\\) as ${moneroWallet}\\.ryzen with XMRig/6\\.21\\.0`,
            ),
          ),
        ],
      ]);
      // Steps merged into each finding: subscribe, its answer, authorize, notify, share; login, its answer, job.
      expect(ours.map((f) => f.count)).toEqual([5, 3]);
    });
  },
);
