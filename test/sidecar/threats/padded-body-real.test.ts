/**
 * Form and JSON bodies padded past the 64 KiB kept (ADR 46) on a real round trip: curl posts them (Content-Length,
 * chunked, gzip) to a Node http server in this test that reads them as an application would (URLSearchParams,
 * JSON.parse, after gunzip) and answers with the value it found at the end; tcpdump captures loopback, and the engine
 * reads the capture with the default detectors. Before ADR 46 each was reported only as `uninspected-body`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const run = promisify(execFile);
const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : hasCommand('tcpdump') && hasCommand('curl')
    ? undefined
    : 'tcpdump or curl missing (installed by .ci/run)';

/** The `q` the application reads from a body: a form's field, or the JSON document's last element's. */
const lastQ = (type: string, body: Buffer): string => {
  if (type.startsWith('application/x-www-form-urlencoded'))
    return new URLSearchParams(body.toString('latin1')).get('q') ?? '';
  const document = JSON.parse(body.toString()) as { q?: string }[];
  return document.at(-1)?.q ?? '';
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    res.end(lastQ(req.headers['content-type'] ?? '', body));
  });
});

const sqli = "1' OR '1'='1";
const xss = '<script>alert(1)</script>';

describe.skipIf(unavailable !== undefined)(
  `form and JSON bodies padded past 64 KiB over loopback${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reports the attack after the padding in each, as the server read it', async () => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as AddressInfo).port;
      const dir = tempDir('padded-body');
      const pcap = join(dir, 'padded.pcap');
      const records = Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `user${i}`, city: 'Paris' }));
      const requests: { file: string; body: string | Buffer; headers: string[] }[] = [
        {
          file: 'form.txt',
          body: `pad=${'A'.repeat(70_000)}&q=${encodeURIComponent(sqli)}`,
          headers: ['Content-Type: application/x-www-form-urlencoded'],
        },
        {
          file: 'records.json',
          body: JSON.stringify([...records, { q: xss }]),
          headers: ['Content-Type: application/json', 'Transfer-Encoding: chunked'],
        },
        {
          file: 'form.gz',
          body: gzipSync(`pad=${'B'.repeat(200_000)}&q=${encodeURIComponent(sqli)}`),
          headers: ['Content-Type: application/x-www-form-urlencoded', 'Content-Encoding: gzip'],
        },
      ];
      const tcpdump: ChildProcess = spawn('tcpdump', [
        '-i',
        'lo',
        '-U',
        '--immediate-mode',
        '-w',
        pcap,
        `tcp port ${port}`,
      ]);
      const answers: string[] = [];
      try {
        await tcpdumpListening(tcpdump);
        for (const { file, body, headers } of requests) {
          writeFileSync(join(dir, file), body);
          const args = ['-s', '--max-time', '10', '--data-binary', `@${join(dir, file)}`];
          for (const header of headers) args.push('-H', header);
          const { stdout } = await run('curl', [...args, `http://127.0.0.1:${port}/search`]);
          answers.push(stdout);
        }
      } finally {
        await stopTcpdump(tcpdump, 500);
        server.close();
      }
      expect(answers).toEqual([sqli, xss, sqli]);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const threats = splitFindings(findings).threats.map((f) => [f.threat, f.evidence.slice(0, 40)]);
      expect(threats).toEqual([
        ['sql-injection', expect.stringContaining('form q')],
        ['xss', expect.stringContaining('json (later')],
        // 3000 different user names past the bound: more plain values than kept, so the body is told unread too.
        ['uninspected-body', expect.stringContaining('application/json')],
        ['sql-injection', expect.stringContaining('form q')],
      ]);
    }, 60_000);
  },
);
