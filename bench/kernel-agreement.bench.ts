/**
 * How often the tap reads the bytes the pod's application read, on random schedules of overlapping segments sent
 * to a real Linux kernel (root; network namespaces the run creates). Each connection sends a 48-octet message cut
 * at random, mixed with harmless overlapping copies (valid, bad checksum, no ACK) in random order
 * (kernel-agreement/random-overlaps.py); the server echoes what its socket read; the engine's evidence for the flow
 * (its first 64 octets to the server) is compared with the echo. MESHWARD_KERNEL_SCHEDULES sets the count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createKernelLab } from '#test/helpers/kernel-lab.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

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
const script = join(import.meta.dirname, '..', 'test', 'e2e', 'kernel-drops', 'random-overlaps.py');
/** Echoes the first 48 octets the socket reads. */
const echo = `require('node:net').createServer((s) => { s.on('error', () => {}); let b = Buffer.alloc(0);
  s.on('data', (d) => { b = Buffer.concat([b, d]); if (b.length >= 48) s.end(b.subarray(0, 48)); }); })
  .listen(${port}, '${server}')`;

export const runKernelAgreement = async (
  schedules = Number(process.env.MESHWARD_KERNEL_SCHEDULES ?? 200),
): Promise<KernelAgreement> => {
  const unavailable = netnsUnavailable(['tcpdump', 'iptables', 'python3', 'ss']);
  if (unavailable !== undefined) return { skipped: unavailable };
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'meshward-agreement-'));
  const lab = createKernelLab({ prefix: 'mwa', server, client, dropClientResets: true });
  try {
    lab.serverNs.spawn(process.execPath, ['-e', echo]);
    await waitForListen(lab.serverNs, port);
    const pcap = join(dir, 'agreement.pcap');
    const stop = await lab.capture(pcap, 'tcp');
    const app = new Map<number, { echo: string; schedule: string }>();
    for (let seed = 1; seed <= schedules; seed++) {
      const source = firstPort + seed;
      const args = [
        script,
        lab.clientDev,
        ...lab.macs,
        client,
        server,
        String(port),
        String(source),
        String(seed),
      ];
      const [echoed = '', ...schedule] = lab.clientNs
        .exec('python3', args, { timeoutMs: 15_000 })
        .trim()
        .split(' ');
      app.set(source, { echo: echoed, schedule: schedule.join(' ') });
    }
    await stop();
    const result = await inspectFile(pcap, { localAddresses: [server] });
    const tap = new Map<number, string>();
    for (const f of splitFindings(result.findings).flows)
      tap.set(f.client.port, f.evidence?.toServer ?? `(${f.protocol})`);
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
    lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
};
