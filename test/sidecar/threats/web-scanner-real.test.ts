/**
 * Real scanners against a real server: Debian's nmap (`--script http-enum`, which asks for some two thousand paths an
 * application might have) and sqlmap (boolean-based tests of one parameter) against a node:http server on loopback
 * that lacks most paths and serves a `.git/config` by mistake. Each scan goes through the loopback recorder into the
 * engine with the default detectors (.ci/apt/threats.txt installs both tools; skipped without them).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ThreatFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { webScanner } from '#sidecar/threats/web-scanner.ts';
import { hasBinaries } from '#test/fixtures/protocols/live-servers.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { recordedConversations } from '../engine/conversation.ts';
import { type RecordedChunk, startRecorder } from '../protocols/loopback-recorder.ts';

const run = promisify(execFile);
const available = hasBinaries('/usr/bin/nmap', '/usr/bin/sqlmap');
const dir = mkdtempSync(join(tmpdir(), 'meshward-scanner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A shop with a home page, one item query, and a repository's config left in the web root; nothing else. */
const shop = () =>
  http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><a href="/item?id=1">item</a></html>');
    } else if (url.pathname === '/.git/config') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('[core]\n\trepositoryformatversion = 0\n');
    } else if (url.pathname === '/item') {
      const found = url.searchParams.get('id') === '1';
      res
        .writeHead(found ? 200 : 404, { 'content-type': 'text/html' })
        .end(found ? '<p>Lamp</p>' : '<p>None</p>');
    } else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
  });

/** Runs `scan` against the shop through the recorder; the engine's web-scanner findings (each hit apart, or not). */
const scanned = async (scan: (port: number) => Promise<unknown>, apart = false): Promise<ThreatFinding[]> => {
  const server = shop();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  await scan(recorder.port);
  await recorder.close();
  server.close();
  return threatsBy(findingsOf(recorder.chunks, apart), 'web-scanner');
};

/** Every detector as deployed; or web-scanner alone, each hit its own finding (no episode merges them). */
const findingsOf = (chunks: RecordedChunk[], apart = false): Finding[] => {
  const observers = apart
    ? [createThreatRunner({ threats: [webScanner], policyDir: false, episodeGapMs: -1 })]
    : defaultObservers();
  const engine = createEngine({ observers });
  const endpoints = (n: number) => ({
    client: '10.0.7.5',
    server: '10.0.7.9',
    clientPort: 41000 + n,
    serverPort: 80,
  });
  for (const record of recordedConversations(chunks, endpoints, Date.now(), 20)) engine.push(record);
  return engine.flush();
};

describe.skipIf(!available)(
  `web scanners against a loopback server${available ? '' : ' (skipped: apt-get install nmap sqlmap)'}`,
  () => {
    let nmap: ThreatFinding[] = [];
    let nmapApart: ThreatFinding[] = [];
    let sqlmap: ThreatFinding[] = [];

    beforeAll(async () => {
      const scanPort = (port: number) =>
        run('nmap', ['-Pn', '-n', '-sT', '-p', String(port), '--script', '+http-enum', '127.0.0.1'], {
          timeout: 120_000,
        });
      nmap = await scanned(scanPort);
      nmapApart = await scanned(scanPort, true);
      sqlmap = await scanned((port) =>
        run(
          'sqlmap',
          [
            '-u',
            `http://127.0.0.1:${port}/item?id=1`,
            '--batch',
            '--technique=B',
            '--flush-session',
            '--output-dir',
            dir,
          ],
          { timeout: 120_000, env: { ...process.env, TMPDIR: dir } },
        ),
      );
    }, 300_000);

    it('nmap http-enum: one finding, the tool by its user-agent, grown by its forced browsing and probes', () => {
      console.log(`nmap http-enum: ${JSON.stringify(nmap.map((f) => [f.severity, f.count, f.evidence]))}`);
      // The runner merges a client's hits against one server into one finding (the surest story, the counts added):
      // the tool (1), forced browsing (the 50 distinct paths that crossed the threshold), the sensitive probes (1).
      // http-enum asks with HEAD, so the .git/config it finds comes without a body: no exposure is claimed.
      expect(nmap.map((f) => [f.severity, f.client.ip, f.evidence])).toEqual([
        [
          'medium',
          '10.0.7.5',
          'Nmap NSE scanning: user-agent Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
        ],
      ]);
      expect(nmap[0]?.count).toBeGreaterThanOrEqual(52);
    });

    it('nmap http-enum, each hit apart: the tool, forced browsing, probes of secret paths', () => {
      const stories = nmapApart.map((f) => f.evidence);
      console.log(`nmap http-enum, apart: ${JSON.stringify(stories.map((e) => e.slice(0, 160)))}`);
      expect(stories[0]).toMatch(/^Nmap NSE scanning: /);
      expect(
        stories.filter((e) => e.startsWith('forced browsing: 50 distinct paths refused or missing')),
      ).toHaveLength(1);
      expect(stories.filter((e) => e.startsWith('probes of 3 or more sensitive paths'))).toHaveLength(1);
      expect(stories).toHaveLength(3);
    });

    it('sqlmap: the tool by its user-agent, one finding however many requests', () => {
      console.log(
        `sqlmap: ${JSON.stringify(sqlmap.map((f) => [f.severity, f.count, f.evidence.slice(0, 140)]))}`,
      );
      expect(sqlmap.map((f) => f.evidence.replace(/sqlmap\/[^ ]+/, 'sqlmap/x'))).toEqual([
        'sqlmap scanning: user-agent sqlmap/x (https://sqlmap.org)',
      ]);
    });
  },
);
