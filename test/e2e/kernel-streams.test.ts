/**
 * The real Linux kernel as the oracle for the byte stream a pod's application reads: a raw-frame TCP client
 * (kernel-drops/tcp-tricks.py) sends an HTTP request to a real server in a network namespace the test creates, each
 * connection with one evasion trick (a harmless copy with a bad checksum, without ACK, on a stray SYN, with an old
 * timestamp, with IP source routing; a reset with a wrong number; an urgent octet; overlapping segments, in order and
 * while held; 1,100 separate segments ahead of the request; 8-octet IP fragments last to first; a harmless copy in
 * overlapping IP fragments). The server
 * answers with the path its HTTP parser read. Captured with `tcpdump -i any` as the tap captures, the engine must
 * read the same path as the application, trick by trick.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';

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
] as const;
/** What Linux hands the application where a trick's copy is not simply dropped (overlaps: see tcp-tricks.py). */
const kernelReads: Partial<Record<(typeof tricks)[number], string>> = {
  overlap: '/fake/stream',
  'held-earlier': '/rake/stream',
};
const client42 = (i: number) => 42_001 + i;
const script = fileURLToPath(new URL('./kernel-drops/tcp-tricks.py', import.meta.url));

describe.skipIf(unavailable !== undefined)(
  `the tap reads the stream the pod's application reads (real kernel, netns)${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let dir = '';
    let serverNs: Netns;
    let clientNs: Netns;
    /** What the application read, per trick (the server's answer), and the flows the engine found. */
    const appRead = new Map<string, string>();
    let flows: FlowFinding[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshward-streams-'));
      const pcap = join(dir, 'streams.pcap');
      serverNs = createNetns('mwts');
      clientNs = createNetns('mwtc');
      const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      ip(
        '-n',
        serverNs.name,
        'link',
        'add',
        'tsa',
        'type',
        'veth',
        'peer',
        'name',
        'tsb',
        'netns',
        clientNs.name,
      );
      ip('-n', serverNs.name, 'addr', 'add', `${server}/24`, 'dev', 'tsa');
      ip('-n', clientNs.name, 'addr', 'add', `${client}/24`, 'dev', 'tsb');
      ip('-n', serverNs.name, 'link', 'set', 'tsa', 'up');
      ip('-n', clientNs.name, 'link', 'set', 'tsb', 'up');
      // The raw client's connections are unknown to its own kernel, which would reset them.
      clientNs.exec('iptables', ['-A', 'OUTPUT', '-p', 'tcp', '--tcp-flags', 'RST', 'RST', '-j', 'DROP']);
      const http = `require('node:http').createServer((q, r) => r.end(q.url)).listen(${port}, '${server}')`;
      serverNs.spawn(process.execPath, ['-e', http]);
      await waitForListen(serverNs, port);
      const capture = serverNs.spawn('tcpdump', [
        '-i',
        'any',
        // Immediate mode rings hold few snaplen-sized frames: a small snap length and a large buffer keep bursts.
        '--immediate-mode',
        '-s',
        '4096',
        '-B',
        '16384',
        '-U',
        '-n',
        '-w',
        pcap,
        'tcp',
      ]);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 10_000);
        capture.stderr?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('listening on')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const mac = (ns: Netns, dev: string) =>
        /link\/ether ([0-9a-f:]{17})/.exec(ns.exec('ip', ['link', 'show', 'dev', dev]))?.[1] ?? '';
      const macs = [mac(clientNs, 'tsb'), mac(serverNs, 'tsa')];
      tricks.forEach((trick, i) => {
        const out = clientNs.exec(
          'python3',
          [script, 'tsb', ...macs, client, server, String(port), String(client42(i)), trick],
          { timeoutMs: 15_000 },
        );
        appRead.set(trick, out.trim());
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      capture.kill('SIGINT');
      await new Promise((resolve) => capture.once('exit', resolve));
      const result = await inspectFile(pcap, { observers: defaultObservers(), localAddresses: [server] });
      flows = result.findings.filter((f): f is FlowFinding => f.type === 'flow');
    }, 120_000);

    afterAll(() => {
      serverNs?.destroy();
      clientNs?.destroy();
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
        expect(flow?.l7?.http?.paths).toEqual([appRead.get(trick)]);
      },
    );
  },
);
