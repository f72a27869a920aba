/** Ingest + learn throughput and memory: N flow findings from W workloads through the real handlers and SQLite. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FindingBatch, FlowFinding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { handler } from '#functions/ingest/handler.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime, setRuntime } from '#functions/platform/runtime.ts';
import { type Benchmark, table } from './benchmark.ts';

export type ControlPlaneBenchOptions = {
  findings?: number;
  workloads?: number;
  batchSize?: number;
  peersPerWorkload?: number;
};

export type ControlPlaneBenchResult = {
  findings: number;
  workloads: number;
  batches: number;
  batchSize: number;
  /** Wall-clock seconds of server-side work (inflated when other processes share the CPU). */
  seconds: number;
  findingsPerSecond: number;
  /** CPU seconds this process spent in that work, and the throughput they allow on one core. */
  cpuSeconds: number;
  findingsPerCpuSecond: number;
  peakRssMB: number;
  storedFindings: number;
  rules: number;
  /** Distinct caller → callee edges in the generated traffic: rules should track this, not `findings`. */
  distinctEdges: number;
};

const ipOf = (w: number) => `10.${20 + (w >> 8)}.${w & 255}.10`;
const podOf = (w: number): PodRef => ({
  namespace: `ns${w % 10}`,
  name: `svc${w}-7d9c5b6f4d-x${w}`,
  uid: `uid-${w}`,
});
const peersOf = (w: number, n: number, total: number) =>
  Array.from({ length: n }, (_, k) => (w * 13 + k * 97 + 1) % total);

const flowOf = (w: number, peer: number, i: number, t: number): FlowFinding => ({
  type: 'flow',
  transport: 'tcp',
  client: { ip: ipOf(w), port: 30000 + (i % 30000) },
  server: { ip: ipOf(peer), port: 8080 },
  protocol: 'http',
  confidence: 'dpi',
  encrypted: false,
  bytes: { toServer: 300, toClient: 1200 },
  packets: { toServer: 4, toClient: 4 },
  firstSeen: new Date(t).toISOString(),
  lastSeen: new Date(t + 5).toISOString(),
  l7: {
    http: {
      methods: ['GET'],
      paths: [i % 5 === 0 ? '/healthz' : `/api/items/${i % 997}`],
      statuses: ['200'],
    },
  },
});

const batchOf = (w: number, b: number, size: number, peers: number[], t: number): FindingBatch => ({
  version: 1,
  batchId: randomUUID(),
  pod: podOf(w),
  sentAt: new Date(t).toISOString(),
  dropped: 0,
  findings: [
    {
      type: 'heartbeat',
      ips: [ipOf(w)],
      owner: { kind: 'ReplicaSet', name: `svc${w}-7d9c5b6f4d` },
      labels: { 'pod-template-hash': '7d9c5b6f4d' },
      at: new Date(t).toISOString(),
    },
    ...Array.from({ length: size }, (_, i) => flowOf(w, peers[(b + i) % peers.length] ?? 0, b * size + i, t)),
  ],
});

const eventOf = (body: string, token: string) =>
  ({
    version: '2.0',
    routeKey: 'POST /findings',
    rawPath: '/findings',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requestContext: { http: { method: 'POST', path: '/findings' } },
    isBase64Encoded: false,
    body,
  }) as unknown as APIGatewayProxyEventV2;

type Sizes = Required<ControlPlaneBenchOptions>;

/** Sends every batch through the ingest handler; times the server side only (handler, store, bus, learn). */
const ingestAll = async (runtime: Runtime, sizes: Sizes) => {
  const { findings, workloads, batchSize, peersPerWorkload } = sizes;
  const tokens = await Promise.all(
    Array.from({ length: workloads }, (_, w) => runtime.issuer?.mintPodToken(podOf(w)) ?? ''),
  );
  const batches = Math.ceil(findings / batchSize);
  let busy = 0;
  let cpu = 0;
  let peakRss = process.memoryUsage().rss;
  const start = Date.UTC(2026, 10, 26, 12);
  for (let b = 0; b < batches; b++) {
    const w = b % workloads;
    const size = Math.min(batchSize, findings - b * batchSize);
    const body = JSON.stringify(batchOf(w, b, size, peersOf(w, peersPerWorkload, workloads), start + b * 10));
    const began = performance.now();
    const cpuBegan = process.cpuUsage();
    const answer = await handler(eventOf(body, tokens[w] ?? ''));
    if (answer.statusCode !== 200) throw new Error(`batch ${b} refused: ${answer.body}`);
    if (b % 8 === 7) await runtime.idle();
    busy += performance.now() - began;
    const used = process.cpuUsage(cpuBegan);
    cpu += (used.user + used.system) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const began = performance.now();
  await runtime.idle();
  busy += performance.now() - began;
  return { batches, busy, cpu, peakRss };
};

const measure = async (runtime: Runtime, sizes: Sizes): Promise<ControlPlaneBenchResult> => {
  const { findings, workloads, batchSize, peersPerWorkload } = sizes;
  const { batches, busy, cpu, peakRss } = await ingestAll(runtime, sizes);
  const edges = new Set(
    Array.from({ length: workloads }, (_, w) =>
      peersOf(w, peersPerWorkload, workloads).map((p) => `${w}>${p}`),
    ).flat(),
  );
  return {
    findings,
    workloads,
    batches,
    batchSize,
    seconds: busy / 1000,
    findingsPerSecond: Math.round(findings / (busy / 1000)),
    cpuSeconds: cpu / 1000,
    findingsPerCpuSecond: Math.round(findings / (cpu / 1000)),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    storedFindings: (await runtime.store.countFindings()) - batches,
    rules: (await runtime.store.listRules()).length,
    distinctEdges: edges.size,
  };
};

/** Runs the benchmark in a data directory and runtime of its own, removed and closed whether it succeeds or fails. */
export const runControlPlaneBench = async (
  options: ControlPlaneBenchOptions = {},
): Promise<ControlPlaneBenchResult> => {
  const { findings = 1_000_000, workloads = 500, batchSize = 1000, peersPerWorkload = 3 } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'meshward-bench-'));
  try {
    const runtime = await createLocalRuntime({ dataDir, log: silentLogger });
    setRuntime(runtime);
    try {
      return await measure(runtime, { findings, workloads, batchSize, peersPerWorkload });
    } finally {
      setRuntime(undefined);
      await runtime.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export const controlPlaneBenchmark: Benchmark<ControlPlaneBenchResult> = {
  id: 'control-plane',
  title: 'Control plane: ingest + learn throughput (1M flow findings, 500 workloads)',
  run: () => runControlPlaneBench(),
  render: (r) =>
    table(
      [
        'findings',
        'workloads',
        'batches × size',
        'seconds',
        'findings/s',
        'CPU s',
        'findings/CPU s',
        'peak RSS (MB)',
        'stored',
        'rules',
        'distinct edges',
      ],
      [
        [
          r.findings,
          r.workloads,
          `${r.batches} × ${r.batchSize}`,
          r.seconds.toFixed(1),
          r.findingsPerSecond,
          r.cpuSeconds.toFixed(1),
          r.findingsPerCpuSecond,
          r.peakRssMB,
          r.storedFindings,
          r.rules,
          r.distinctEdges,
        ],
      ],
    ),
};
