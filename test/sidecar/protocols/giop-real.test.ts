/**
 * CORBA GIOP for real, in a network namespace the test creates: omniORB 4.3's omniNames listening on 5432
 * (PostgreSQL's port, which says nothing true here) and omniORB's nameclt binding, listing, resolving and unbinding
 * names through `corbaname::127.0.0.1:5432` (GIOP 1.0 to the NameService key, 1.2 to the BindingIterator it is
 * handed) and `corbaname::1.2@127.0.0.1:5432` (1.2 throughout). Captured by tcpdump, read by the engine with the
 * default detectors; nDPI's labels are printed beside ours when ndpiReader is installed.
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

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'omniNames', 'nameclt']);
const port = 5432;

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

/** nameclt's answer (its stdout), or `exit <status>` when it fails as it does for a name that is not bound. */
const nameclt = (ns: Netns, version: '' | '1.2@', ...args: string[]): string => {
  try {
    const out = ns.exec('nameclt', [
      '-ORBInitRef',
      `NameService=corbaname::${version}127.0.0.1:${port}`,
      ...args,
    ]);
    // A listing's order is the server's hash order: sorted, so the test says what was listed.
    return out.trim().split('\n').sort().join(',');
  } catch (error) {
    return `exit ${(error as { status?: number }).status}`;
  }
};

const session = async (ns: Netns, dir: string): Promise<Run> => {
  ns.spawn('omniNames', ['-start', String(port), '-always', '-datadir', dir, '-logdir', dir]);
  await waitForListen(ns, port);
  const pcap = join(dir, 'giop.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${port}`);
  const context = nameclt(ns, '', 'bind_new_context', 'test');
  const said = [
    context.slice(0, 4),
    nameclt(ns, '', 'bind', 'svc', context),
    nameclt(ns, '', 'list'),
    nameclt(ns, '', 'resolve', 'test') === context ? 'resolved' : 'not resolved',
    nameclt(ns, '', 'resolve', 'missing'),
    nameclt(ns, '1.2@', 'list'),
    nameclt(ns, '1.2@', 'unbind', 'svc'),
    nameclt(ns, '1.2@', 'resolve', 'svc'),
  ];
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
  `GIOP from omniORB's omniNames and nameclt${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/giop.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-giop-real-'));

    beforeAll(async () => {
      ns = createNetns('mwgi');
      run = await session(ns, dir);
    }, 90_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every connection giop on a port that says postgresql, naming the operations and answers', () => {
      expect(run.said).toEqual(['IOR:', '', 'svc,test/', 'resolved', 'exit 1', 'svc,test/', '', 'exit 1']);
      // One connection per nameclt run, and one per BindingIterator its list was handed.
      expect(run.flows.length).toBeGreaterThanOrEqual(8);
      for (const flow of run.flows) {
        expect(flow.protocol, `${flow.client.port}`).toBe('giop');
        expect(flow.server.port).toBe(port);
      }
      const operations = new Set(run.flows.flatMap((f) => f.l7?.operations ?? []));
      for (const op of [
        '_is_a NameService',
        'bind_new_context NameService',
        'bind NameService',
        'list NameService',
        'resolve NameService',
        'unbind NameService',
        'reply no-exception',
        'reply user-exception',
        'locate-reply object-here',
        'close-connection',
      ])
        expect(operations, op).toContain(op);
      const iterator = [...operations].filter((op) => /^(next_one|destroy|locate) 0x[0-9a-f]{16}…$/.test(op));
      expect(iterator.length).toBeGreaterThan(0);
    });

    it('raises no threat on naming traffic', () => {
      expect(run.threats.map((t) => [t.threat, t.evidence])).toEqual([]);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the GIOP flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${run.flows.map((f) => f.protocol).join(', ')}`,
      );
    });
  },
);
