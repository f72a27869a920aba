/** DNS answers in the flow summary, from real exchanges: glibc's resolver asking dnsmasq in the demo capture (demo/README.md). */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FlowFinding, flowFindingSchema } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const capture = join(import.meta.dirname, '..', '..', '..', 'demo', 'capture.pcap');

let flows: FlowFinding[] = [];
beforeAll(async () => {
  flows = splitFindings((await inspectFile(capture)).findings).flows.filter((f) => f.protocol === 'dns');
});

describe('DNS answers in the L7 summary', () => {
  it('carries the A records a name resolved to, with their TTL', () => {
    const googleapis = flows.find((f) => f.l7?.dns?.queries?.some((q) => q.name === 'www.googleapis.com'));
    expect(googleapis?.l7?.dns?.answers).toEqual([
      { name: 'www.googleapis.com', type: 'A', ttl: 30, data: '203.0.113.10' },
    ]);
    expect(googleapis?.l7?.dns?.rcodes).toEqual(['NOERROR']);
  });

  it('keeps every address of a multi-record answer (a Service with three pods)', () => {
    const reviews = flows.find((f) =>
      f.l7?.dns?.queries?.some((q) => q.name === 'reviews.bookinfo.svc.cluster.local'),
    );
    expect(reviews?.l7?.dns?.answers?.map((a) => a.data).sort()).toEqual([
      '10.244.1.13',
      '10.244.1.14',
      '10.244.1.15',
    ]);
  });

  it('has no answers for NXDOMAIN (the search list) and every summary is valid under the core schema', () => {
    const nx = flows.filter((f) => f.l7?.dns?.rcodes?.includes('NXDOMAIN'));
    expect(nx.length).toBeGreaterThan(0);
    for (const flow of nx) expect(flow.l7?.dns?.answers).toBeUndefined();
    for (const flow of flows) expect(flowFindingSchema.safeParse(flow).success).toBe(true);
  });
});
