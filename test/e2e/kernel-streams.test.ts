/**
 * The real Linux kernel as the oracle for the byte stream a pod's application reads: a raw-frame TCP client
 * (kernel-drops/tcp-tricks.py) sends an HTTP request to a real server in a network namespace the test creates, each
 * connection with one evasion trick (a harmless copy with a bad checksum, without ACK, on a stray SYN, with an old
 * timestamp, with IP source routing; a reset with a wrong number; an urgent octet; overlapping segments, in order and
 * while held; 1,100 separate segments ahead of the request; 8-octet IP fragments last to first; a harmless copy in
 * overlapping IP fragments; a harmless copy past the receive window, with an ACK of unsent data, with a too-old ACK,
 * with an MD5 signature; one without the timestamp option the SYNs agreed on, which Linux reads). The server
 * answers with the path its HTTP parser read. Captured with `tcpdump -i any` as the tap captures, the engine must
 * read the same path as the application, trick by trick.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const unavailable = netnsUnavailable(['tcpdump', 'iptables', 'python3', 'ss']);
const server = '10.69.0.1';
const client = '10.69.0.2';
const port = 8081;
const tricks = [
  'plain',
  'checksum',
  'no-ack',
  'stray-syn',
  'old-timestamp',
  'wrong-reset',
  'urgent',
  'source-route',
  'overlap',
  'held-earlier',
  'held-same-longer',
  'held-same-shorter',
  'many-holes',
  'fragments',
  'fragment-overlap',
  'past-window',
  'unsent-ack',
  'old-ack',
  'md5-option',
  'no-timestamp',
] as const;
/** What Linux hands the application where a trick's copy is not simply dropped (overlaps: see tcp-tricks.py). */
const kernelReads: Partial<Record<(typeof tricks)[number], string>> = {
  overlap: '/fake/stream',
  'held-earlier': '/rake/stream',
  // RFC 7323 says a receiver SHOULD drop a segment without the timestamps both SYNs agreed on; Linux reads it.
  'no-timestamp': '/fake/stream',
};
/** Requests a trick sends before the one whose path the server echoes (the padding of `past-window`). */
const sentBefore: Partial<Record<(typeof tricks)[number], string[]>> = { 'past-window': ['/pad'] };
const client42 = (i: number) => 42_001 + i;
const script = fileURLToPath(new URL('./kernel-drops/tcp-tricks.py', import.meta.url));

describe.skipIf(unavailable !== undefined)(
  `the tap reads the stream the pod's application reads (real kernel, netns)${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let dir = '';
    let lab: KernelLab | undefined;
    /** What the application read, per trick (the server's answer), and the flows the engine found. */
    const appRead = new Map<string, string>();
    let flows: FlowFinding[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshward-streams-'));
      const pcap = join(dir, 'streams.pcap');
      lab = createKernelLab({ prefix: 'mwt', server, client, dropClientResets: true });
      const { serverNs, clientNs, clientDev, macs } = lab;
      const http = `require('node:http').createServer((q, r) => r.end(q.url)).listen(${port}, '${server}')`;
      serverNs.spawn(process.execPath, ['-e', http]);
      await waitForListen(serverNs, port);
      const stop = await lab.capture(pcap, 'tcp');
      tricks.forEach((trick, i) => {
        const args = [script, clientDev, ...macs, client, server, String(port), String(client42(i)), trick];
        appRead.set(trick, clientNs.exec('python3', args, { timeoutMs: 15_000 }).trim());
      });
      await stop();
      const result = await inspectFile(pcap, { observers: defaultObservers(), localAddresses: [server] });
      flows = splitFindings(result.findings).flows;
    }, 120_000);

    afterAll(() => {
      lab?.destroy();
      if (dir !== '' && process.env.MESHWARD_KEEP_CAPTURE !== '1')
        rmSync(dir, { recursive: true, force: true });
    });

    it('has the kernel hand the application the real request, or the overlap it keeps', () => {
      const expected = Object.fromEntries(tricks.map((t) => [t, kernelReads[t] ?? '/real/stream']));
      expect(Object.fromEntries(appRead)).toEqual(expected);
    });

    it.each(tricks.map((trick, i) => [trick, i] as const))(
      'reads what the application read: %s',
      (trick, i) => {
        const flow = flows.find((f) => f.client.port === client42(i));
        expect(flow?.protocol).toBe('http');
        expect(flow?.l7?.http?.paths).toEqual([...(sentBefore[trick] ?? []), appRead.get(trick)]);
      },
    );
  },
);
