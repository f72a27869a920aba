/**
 * How often the tap reads the bytes the pod's application read, on random schedules of overlapping segments sent
 * to a real Linux kernel (root; network namespaces the run creates). Each connection sends a 48-octet message cut
 * at random, mixed with harmless overlapping copies (valid, bad checksum, no ACK) in random order
 * (kernel-agreement/random-overlaps.py); the server echoes what its socket read; the engine's evidence for the flow
 * (its first 64 octets to the server) is compared with the echo. MESHWARD_KERNEL_SCHEDULES sets the count.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';

export type KernelAgreement =
  | { skipped: string }
  | {
      schedules: number;
      agree: number;
      /** Connections where the tap read other bytes than the application, with their schedules. */
      disagreements: { port: number; app: string; tap: string; schedule: string }[];
      seconds: number;
    };

const server = '10.71.0.1';
const client = '10.71.0.2';
const port = 8083;
const firstPort = 48_001;
const script = join(import.meta.dirname, 'kernel-agreement', 'random-overlaps.py');
/** Echoes the first 48 octets the socket reads. */
const echo = `require('node:net').createServer((s) => { s.on('error', () => {}); let b = Buffer.alloc(0);
  s.on('data', (d) => { b = Buffer.concat([b, d]); if (b.length >= 48) s.end(b.subarray(0, 48)); }); })
  .listen(${port}, '${server}')`;

const lab = async (): Promise<{ serverNs: Netns; clientNs: Netns; macs: string[] }> => {
  const serverNs = createNetns('mwks');
  const clientNs = createNetns('mwkc');
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  ip(
    '-n',
    serverNs.name,
    'link',
    'add',
    'kaa',
    'type',
    'veth',
    'peer',
    'name',
    'kab',
    'netns',
    clientNs.name,
  );
  ip('-n', serverNs.name, 'addr', 'add', `${server}/24`, 'dev', 'kaa');
  ip('-n', clientNs.name, 'addr', 'add', `${client}/24`, 'dev', 'kab');
  ip('-n', serverNs.name, 'link', 'set', 'kaa', 'up');
  ip('-n', clientNs.name, 'link', 'set', 'kab', 'up');
  clientNs.exec('iptables', ['-A', 'OUTPUT', '-p', 'tcp', '--tcp-flags', 'RST', 'RST', '-j', 'DROP']);
  serverNs.spawn(process.execPath, ['-e', echo]);
  await waitForListen(serverNs, port);
  const mac = (ns: Netns, dev: string) =>
    /link\/ether ([0-9a-f:]{17})/.exec(ns.exec('ip', ['link', 'show', 'dev', dev]))?.[1] ?? '';
  return { serverNs, clientNs, macs: [mac(clientNs, 'kab'), mac(serverNs, 'kaa')] };
};

const capturing = async (ns: Netns, pcap: string) => {
  const capture = ns.spawn('tcpdump', [
    ...['-i', 'any', '--immediate-mode', '-s', '4096', '-B', '32768'],
    ...['-U', '-n', '-w', pcap, 'tcp'],
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
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    capture.kill('SIGINT');
    await new Promise((resolve) => capture.once('exit', resolve));
  };
};

export const runKernelAgreement = async (
  schedules = Number(process.env.MESHWARD_KERNEL_SCHEDULES ?? 200),
): Promise<KernelAgreement> => {
  const unavailable = netnsUnavailable(['tcpdump', 'iptables', 'python3', 'ss']);
  if (unavailable !== undefined) return { skipped: unavailable };
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'meshward-agreement-'));
  const { serverNs, clientNs, macs } = await lab();
  try {
    const pcap = join(dir, 'agreement.pcap');
    const stop = await capturing(serverNs, pcap);
    const app = new Map<number, { echo: string; schedule: string }>();
    for (let seed = 1; seed <= schedules; seed++) {
      const source = firstPort + seed;
      const args = [script, 'kab', ...macs, client, server, String(port), String(source), String(seed)];
      const [echoed = '', ...schedule] = clientNs
        .exec('python3', args, { timeoutMs: 15_000 })
        .trim()
        .split(' ');
      app.set(source, { echo: echoed, schedule: schedule.join(' ') });
    }
    await stop();
    const result = await inspectFile(pcap, { localAddresses: [server] });
    const tap = new Map<number, string>();
    for (const f of result.findings)
      if (f.type === 'flow')
        tap.set(f.client.port, (f as FlowFinding).evidence?.toServer ?? `(${f.protocol})`);
    const text = (hex: string) => (hex.startsWith('(') ? hex : Buffer.from(hex, 'hex').toString('latin1'));
    const disagreements = [...app].flatMap(([source, { echo: echoed, schedule }]) => {
      const read = (tap.get(source) ?? '(no flow)').slice(0, echoed.length);
      return read === echoed ? [] : [{ port: source, app: text(echoed), tap: text(read), schedule }];
    });
    return {
      schedules,
      agree: schedules - disagreements.length,
      disagreements,
      seconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    serverNs.destroy();
    clientNs.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
};
