/**
 * beanstalkd for real, in a network namespace the test creates: Debian's beanstalkd 1.12 listening on 6379 (Redis's
 * port, which says nothing true here), a producer putting an ordinary Laravel job and one carrying phpggc's
 * Laravel/RCE1 chain into the tube `emails`, and a worker reserving and deleting both (beanstalkd-client-main.ts).
 * Captured by tcpdump, read by the engine with the default detectors; nDPI's labels are printed beside ours when
 * ndpiReader is installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'beanstalkd']);
const port = 6379;

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

const session = async (ns: Netns, dir: string): Promise<Run> => {
  ns.spawn('beanstalkd', ['-l', '127.0.0.1', '-p', String(port)]);
  await waitForListen(ns, port);
  const pcap = join(dir, 'beanstalkd.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${port}`);
  const client = ['--import', 'tsx', 'test/helpers/beanstalkd-client-main.ts', '127.0.0.1', `${port}`];
  const said = JSON.parse(ns.exec('node', client, { timeoutMs: 30_000 })) as string[];
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return {
    flows: findings.filter((f): f is FlowFinding => f.type === 'flow'),
    threats: findings.filter((f): f is ThreatFinding => f.type === 'threat'),
    said,
    pcap,
  };
};

describe.skipIf(unavailable !== undefined)(
  `beanstalkd 1.12 with a producer and a worker${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/jobq.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-beanstalkd-real-'));

    beforeAll(async () => {
      ns = createNetns('mwbs');
      run = await session(ns, dir);
    }, 60_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels both connections beanstalkd on a port that says redis, naming tubes, jobs and replies', () => {
      expect(run.said).toEqual([
        'USING emails',
        'INSERTED 1',
        'INSERTED 2',
        'WATCHING 2',
        'WATCHING 1',
        'RESERVED 1 571',
        'DELETED',
        'RESERVED 2 537',
        'DELETED',
        'OK 264',
        'OK 23',
      ]);
      expect(run.flows).toHaveLength(2);
      for (const flow of run.flows) {
        expect(flow.protocol, `${flow.client.port}`).toBe('beanstalkd');
        expect(flow.server.port).toBe(port);
      }
      const operations = new Set(run.flows.flatMap((f) => f.l7?.operations ?? []));
      for (const op of [
        'use emails',
        'put tube=emails',
        'watch emails',
        'ignore default',
        'RESERVED',
        'OK',
        'quit',
      ])
        expect(operations, op).toContain(op);
    });

    it('reports the gadget job critical when it is put and when it is reserved, and nothing for the ordinary job', () => {
      const told = run.threats.map((t) => [
        t.severity,
        t.threat,
        t.evidence.replace(/ \(.*?\)/, '').split(': ')[0],
      ]);
      expect(told).toEqual([
        [
          'critical',
          'insecure-deserialization',
          'beanstalkd put tube=emails, a job whose body the worker that takes it deserializes',
        ],
        [
          'critical',
          'insecure-deserialization',
          'beanstalkd RESERVED, a job handed to this worker, which deserializes its body',
        ],
      ]);
      for (const threat of run.threats) expect(threat.evidence).toContain('PendingBroadcast');
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the beanstalkd flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${run.flows.map((f) => f.protocol).join(', ')}`,
      );
      expect(ndpi).toHaveLength(2);
    });
  },
);
