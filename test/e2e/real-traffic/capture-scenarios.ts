/** Runs every scenario's server and client in one fresh network namespace while tcpdump records `lo`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns } from '#test/helpers/netns.ts';
import type { Scenario } from './scenarios.ts';

export type CaptureRun = { pcap: string; dir: string; failures: { scenario: string; error: string }[] };

const waitForTcpdump = (child: import('node:child_process').ChildProcess) =>
  new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

export const captureScenarios = async (list: readonly Scenario[]): Promise<CaptureRun> => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-real-'));
  const pcap = join(dir, 'real-traffic.pcap');
  const ns = createNetns('mwrt');
  const failures: CaptureRun['failures'] = [];
  try {
    const tcpdump = ns.spawn('tcpdump', ['-i', 'lo', '-U', '-n', '-s', '0', '-w', pcap]);
    await waitForTcpdump(tcpdump);
    for (const scenario of list) {
      try {
        await scenario.start(ns, dir);
        scenario.client(ns, dir);
      } catch (error) {
        failures.push({ scenario: scenario.name, error: String(error).slice(0, 500) });
      }
    }
    // libpcap hands packets over a block at a time, a block at most 1 s old (tcpdump's default timeout), and tcpdump
    // stops at SIGINT without draining the block in hand: the last scenario's packets need that second to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await new Promise<void>((resolve) => {
      tcpdump.once('exit', () => resolve());
      tcpdump.kill('SIGINT');
    });
  } finally {
    ns.destroy();
  }
  return { pcap, dir, failures };
};
