/**
 * Gearman for real, in a network namespace the test creates: Debian's gearmand 1.1.20 in the foreground on 5432
 * (PostgreSQL's port, which says nothing true here), logging to a temporary file, a worker from gearman-tools
 * (`gearman -w -c 2 -f resize -- cat`, which answers each job with its own data), one client submitting an ordinary
 * JSON job and another submitting queued-jobs.ts's pickle gadget from its standard input. Captured by tcpdump, read by
 * the engine with the default detectors; nDPI's labels are printed beside ours when ndpiReader is installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { pickleGadget } from '#test/fixtures/protocols/queued-jobs.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'gearmand', 'gearman']);
const port = 5432;
const json = '{"image":"cat.png","width":640}';

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

const session = async (ns: Netns, dir: string): Promise<Run> => {
  ns.spawn('gearmand', ['--port', String(port), '--listen', '127.0.0.1', '-l', join(dir, 'gearmand.log')]);
  await waitForListen(ns, port);
  const pcap = join(dir, 'gearman.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${port}`);
  const server = ['-h', '127.0.0.1', '-p', String(port)];
  const worker = ns.spawn('gearman', [...server, '-w', '-c', '2', '-f', 'resize', '--', 'cat']);
  const gadget = join(dir, 'gadget.pickle');
  writeFileSync(gadget, pickleGadget);
  const said = [
    ns.exec('gearman', [...server, '-f', 'resize'], { input: json }),
    `${ns.exec('sh', ['-c', `gearman ${server.join(' ')} -f resize < ${gadget}`]).length > 0}`,
  ];
  await new Promise((resolve) =>
    worker.exitCode === null ? worker.once('exit', resolve) : resolve(undefined),
  );
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
  `Gearman from gearmand 1.1.20 and the gearman CLI${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/jobq.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-gearman-real-'));

    beforeAll(async () => {
      ns = createNetns('mwgm');
      run = await session(ns, dir);
    }, 60_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels the worker and both clients gearman on a port that says postgresql, naming the function', () => {
      expect(run.said).toEqual([json, 'true']);
      expect(run.flows).toHaveLength(3);
      for (const flow of run.flows) {
        expect(flow.protocol, `${flow.client.port}`).toBe('gearman');
        expect(flow.server.port).toBe(port);
      }
      const operations = new Set(run.flows.flatMap((f) => f.l7?.operations ?? []));
      for (const op of [
        'CAN_DO resize',
        'SUBMIT_JOB resize',
        'JOB_CREATED',
        'JOB_ASSIGN_UNIQ resize',
        'WORK_COMPLETE',
      ])
        expect(operations, op).toContain(op);
    });

    it('reports the pickle gadget critical as submitted and as assigned to the worker, nothing for the JSON job', () => {
      const told = run.threats.map((t) => [
        t.severity,
        t.threat,
        t.evidence.replace(/ \(.*?\)/, '').split(': ')[0],
      ]);
      expect(told.sort()).toEqual([
        [
          'critical',
          'insecure-deserialization',
          'gearman JOB_ASSIGN_UNIQ resize, a job handed to this worker, which deserializes its body',
        ],
        [
          'critical',
          'insecure-deserialization',
          'gearman SUBMIT_JOB resize, a job whose body the worker that takes it deserializes',
        ],
      ]);
      for (const threat of run.threats) expect(threat.evidence).toMatch(/pickle.*posix\.system/);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the Gearman flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${run.flows.map((f) => f.protocol).join(', ')}`,
      );
      expect(ndpi).toHaveLength(3);
    });
  },
);
