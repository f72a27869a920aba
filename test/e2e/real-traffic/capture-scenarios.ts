/** Runs every scenario's server and client in one fresh network namespace while tcpdump records `lo`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns } from '#test/helpers/netns.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import type { Scenario } from './scenarios.ts';

export type CaptureRun = { pcap: string; dir: string; failures: { scenario: string; error: string }[] };

export const captureScenarios = async (list: readonly Scenario[]): Promise<CaptureRun> => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-real-'));
  const pcap = join(dir, 'real-traffic.pcap');
  const ns = createNetns('mwrt');
  const failures: CaptureRun['failures'] = [];
  try {
    const tcpdump = ns.spawn('tcpdump', [...tcpdumpBuffer, '-i', 'lo', '-U', '-n', '-s', '0', '-w', pcap]);
    await tcpdumpListening(tcpdump);
    for (const scenario of list) {
      try {
        await scenario.start(ns, dir);
        scenario.client(ns, dir);
      } catch (error) {
        failures.push({ scenario: scenario.name, error: String(error).slice(0, 500) });
      }
    }
    // The last scenario's packets may be in a block libpcap has not handed over yet.
    await stopTcpdump(tcpdump, 1500);
  } finally {
    ns.destroy();
  }
  return { pcap, dir, failures };
};
