/**
 * prototype-pollution on a real round trip: a Node http server in this test merges each JSON body into a fresh
 * object with a recursive merge as lodash's `merge` was before 4.17.5 (CVE-2018-3721; written here: it copies
 * `__proto__` like any key) and answers whether `({}).isAdmin` became true; fetch (undici) sends over loopback
 * while tcpdump captures, and the engine reads the capture with the default detectors. The pollution is undone
 * after each request, since the server runs in the test's own process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : hasCommand('tcpdump')
    ? undefined
    : 'tcpdump missing (installed by .ci/run)';

type Bag = Record<string, unknown>;
const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null;

/** The vulnerable merge: every key of `source`, `__proto__` too, copied or merged into `target`. */
const merge = (target: Bag, source: Bag): Bag => {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (isBag(value) && isBag(target[key])) merge(target[key] as Bag, value);
    else target[key] = value;
  }
  return target;
};

/** Whether a plain object now says it is an admin, as a check `if (user.isAdmin)` on a user without the field reads. */
const polluted = (): boolean => (({}) as Bag).isAdmin === true;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      merge({}, JSON.parse(Buffer.concat(chunks).toString()) as Bag);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ polluted: polluted() }));
    } finally {
      delete (Object.prototype as Bag).isAdmin;
    }
  });
});

describe.skipIf(unavailable !== undefined)(
  `prototype-pollution on a real merge over loopback${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reports the JSON body that made every object an admin, critical, and not the honest one', async () => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as AddressInfo).port;
      const pcap = join(tempDir('prototype-pollution'), 'merge.pcap');
      const tcpdump: ChildProcess = spawn('tcpdump', [
        ...tcpdumpBuffer,
        '-i',
        'lo',
        '-U',
        '--immediate-mode',
        '-w',
        pcap,
        `tcp port ${port}`,
      ]);
      const answers: unknown[] = [];
      try {
        await tcpdumpListening(tcpdump);
        for (const body of [
          '{"name":"Ada","settings":{"theme":"dark"}}',
          '{"name":"Eve","__proto__":{"isAdmin":true}}',
        ]) {
          const response = await fetch(`http://127.0.0.1:${port}/api/profile`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          answers.push(await response.json());
        }
      } finally {
        await stopTcpdump(tcpdump, 500);
        server.close();
      }
      expect(answers).toEqual([{ polluted: false }, { polluted: true }]);
      expect(polluted()).toBe(false);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const threats = threatsBy(findings, 'prototype-pollution').map((f) => [f.severity, f.evidence]);
      expect(threats).toEqual([
        [
          'critical',
          'a JSON key writing Object.prototype.isAdmin through __proto__ (a known privilege gadget) — json $.__proto__ key: isAdmin',
        ],
      ]);
    }, 30_000);
  },
);
