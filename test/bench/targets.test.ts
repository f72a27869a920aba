/**
 * Every benchmark with a target declares what it misses, so that `npm run bench` exits 1 on a miss (bench/run.ts)
 * instead of printing MISSED in a report no one reads. Results here are built by hand at and around each target.
 */
import { describe, expect, it } from 'vitest';
import type { MutateBenchResult } from '#bench/admission-mutate.bench.ts';
import { admissionMutateBenchmark } from '#bench/admission-mutate.ts';
import { admissionValidateBenchmark } from '#bench/admission-validate.ts';
import { bundlesBenchmark } from '#bench/bundles.ts';
import type { EngineInstructionResult } from '#bench/engine-instructions.bench.ts';
import { engineInstructionsBenchmark } from '#bench/engine-instructions.ts';
import type { ThroughputResult } from '#bench/inspect-throughput.bench.ts';
import { inspectThroughputBenchmark } from '#bench/inspect-throughput.ts';
import type { InstructionResult } from '#bench/threat-instructions.bench.ts';
import { threatInstructionsBenchmark } from '#bench/threat-instructions.ts';

const counts = { empty: 0, once: 0, twice: 0, thrice: 0 };
const engine = (firstPass: number, steady: number, settled: number): EngineInstructionResult => ({
  capture: { bytes: 1, packets: 1 },
  ours: counts,
  ndpi: counts,
  ratios: { wholeProcess: firstPass, firstPass, steady },
  categories: { once: {}, thrice: {} },
  settled: { slice: { bytes: 1, packets: 1 }, ours: 1, ndpi: settled, ratio: settled, categories: {} },
});

const threats = (firstPass: number, sustained: number): InstructionResult => ({
  slice: { bytes: 1, packets: 1 },
  engine: {},
  threats: {},
  firstPass,
  warming: 9,
  steady: 9,
  running: { engine: 1, threats: 9, ratio: 9 },
  sustained,
});

const run = { ms: 1, cpuMs: 1, maxRssMb: 1 };
const throughput = (
  ratio: number | undefined,
  steady: number | undefined,
  slowdown: number,
  missed?: number,
) =>
  ({
    capture: { bytes: 1, packets: 1, flows: 1 },
    ours: { ...run, packetsPerSecond: 1, mbPerSecond: 1, cpuUsPerPacket: 1, cpuMbPerSecond: 1 },
    oursWithThreats: { ...run, packetsPerSecond: 1, slowdown },
    stages: { read: run, pipeline: run },
    runs: 1,
    steady: { passes: 4, engineCpuMs: 1, threatsCpuMs: 1, ratio: steady },
    ratio,
    labels: { truthFlows: 1, oursCorrect: 1, ndpiRightWeWrong: missed, examples: [] },
  }) as unknown as ThroughputResult;

describe('benchmark targets fail npm run bench when missed', () => {
  it('engine-instructions: each nDPI ÷ meshward ratio under 1 is named; 1 is met', () => {
    expect(engineInstructionsBenchmark.missed?.(engine(1, 1.2, 1))).toEqual([]);
    expect(engineInstructionsBenchmark.missed?.(engine(0.3, 0.56, 0.68))).toEqual([
      'first pass: nDPI ÷ meshward 0.3 in instructions, target ≥ 1',
      'steady state (third pass): nDPI ÷ meshward 0.56 in instructions, target ≥ 1',
      'settled (passes 17 to 24 of the slice): nDPI ÷ meshward 0.68 in instructions, target ≥ 1',
    ]);
    expect(engineInstructionsBenchmark.missed?.({ skipped: 'valgrind not installed' })).toEqual([]);
  });

  it('threat-instructions: over ×1.5 on a first pass or over passes 2 to 9 is named', () => {
    expect(threatInstructionsBenchmark.missed?.(threats(1.5, 1.41))).toEqual([]);
    expect(threatInstructionsBenchmark.missed?.(threats(1.51, 1.41))).toEqual([
      'threat detection ×1.51 of the engine on a first pass, target ≤ 1.5',
    ]);
    expect(threatInstructionsBenchmark.missed?.(threats(1.4, 1.6))).toEqual([
      'threat detection ×1.6 over passes 2 to 9, target ≤ 1.5',
    ]);
  });

  it('inspect-throughput: ratios under 1 and flows nDPI gets right that we miss; threat cost is not judged on time', () => {
    expect(inspectThroughputBenchmark.missed?.(throughput(1, 1.1, 1.9, 0))).toEqual([]);
    // Without ndpiReader there is no ratio to judge.
    expect(inspectThroughputBenchmark.missed?.(throughput(undefined, undefined, 1.2))).toEqual([]);
    expect(inspectThroughputBenchmark.missed?.(throughput(0.31, 0.58, 1.7, 2))).toEqual([
      'first pass: meshward / nDPI 0.31 in CPU time, target ≥ 1',
      'steady state: meshward / nDPI 0.58 in CPU time, target ≥ 1',
      '2 flows nDPI labels right and meshward misses, target 0',
    ]);
  });

  it('admission-mutate: the slower in-process p99 at 2 ms or more, and HTTPS ratios under 0.8, are named', () => {
    const result = (seen: number, fresh: number, ratio: number, newShape: number) =>
      ({
        inProcess: { p99Ms: seen },
        inProcessNewShape: { p99Ms: fresh },
        httpsThroughputRatio: ratio,
        httpsNewShapeRatio: newShape,
      }) as unknown as MutateBenchResult;
    expect(admissionMutateBenchmark.missed?.(result(0.4, 1.99, 0.8, 0.9))).toEqual([]);
    expect(admissionMutateBenchmark.missed?.(result(0.4, 2.5, 0.79, 0.5))).toEqual([
      'in-process p99 2.5 ms (the slower pod shape), target < 2 ms',
      'HTTPS throughput 0.79 of a do-nothing webhook, target ≥ 0.8',
      'HTTPS throughput with every pod a new shape 0.5, target ≥ 0.8',
    ]);
  });

  it('admission-validate: the in-process CPU p99 at 2 ms or more is named; wall time is not judged', () => {
    const latency = { p50Ms: 1, p99Ms: 9, perSecond: 1, policies: 1 };
    const https = { count: 1, p50Ms: 1, p99Ms: 9, meanMs: 1, perSecond: 1 };
    const result = (cpuP99Ms: number) => ({ inProcess: { ...latency, cpuP99Ms }, https });
    expect(admissionValidateBenchmark.missed?.(result(1.99))).toEqual([]);
    expect(admissionValidateBenchmark.missed?.(result(2))).toEqual([
      'in-process review p99 2 ms of CPU, target < 2 ms',
    ]);
  });

  it('bundles: a bundle of 1 MiB or more, or a load of 300 ms or more, is named by function', () => {
    const bundle = { zodBytes: 0, kubernetesClient: false, awsSdk: false, loadWallMs: 1 };
    expect(
      bundlesBenchmark.missed?.([
        { ...bundle, name: 'ingest', bytes: 1_048_575, loadCpuMs: 299 },
        { ...bundle, name: 'respond', bytes: 1_048_576, loadCpuMs: 300 },
      ]),
    ).toEqual([
      'respond: 1024 KiB, target < 1024 KiB',
      'respond: module load 300 ms of CPU, target < 300 ms',
    ]);
  });
});
