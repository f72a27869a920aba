/**
 * Throughput of the inspection engine on a 200+ MB synthetic capture, side by side with nDPI's
 * ndpiReader on the same file in the same run, plus per-flow labels against the capture's ground truth.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { nodeBundleOptions } from '#infra/image/build-tap-bundle.ts';
import { ndpiAvailable, ourIdOf, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { generateSyntheticCapture, type SyntheticFlow } from './synthetic-capture.ts';

const work = join(import.meta.dirname, 'work');
const root = join(import.meta.dirname, '..');

type ChildResult = {
  ms: number;
  cpuMs: number;
  packets: number;
  bytes: number;
  flows: number;
  threats: number;
  maxRssMb: number;
  /** CPU of each pass over the capture in the one process (`--passes`); the first is `cpuMs`. */
  passCpuMs: number[];
};

/** Passes over the capture in one process for the steady-state figures: the last pass is the one reported. */
export const steadyPasses = 4;

/**
 * The child as one esbuild bundle, built like the tap's own (infra/image/build-tap-bundle.ts: dist/tap.mjs): what
 * runs in a pod. Under tsx every closure the engine creates would also pay for tsx's keep-names helper.
 */
export const buildChild = async (): Promise<string> => {
  const out = join(work, 'inspect-child.mjs');
  await build({
    ...nodeBundleOptions,
    entryPoints: [join(import.meta.dirname, 'inspect-child.ts')],
    outfile: out,
  });
  return out;
};

type Mode = 'read' | 'pipeline' | 'engine' | 'threats';

const runOurs = (child: string, file: string, mode: Mode, labels?: string, passes = 1): ChildResult => {
  const args = [child, file, mode, ...(labels === undefined ? [] : [labels]), '--passes', String(passes)];
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildResult;
};

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU of the children a shell waited for: cutime + cstime of its own /proc stat (fields 16 and 17). */
const childrenCpuMs = (stat: string): number => {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
};

/** ndpiReader on the file, `loops` times in one process (its `-l`, "number of detection loops"). */
const runNdpiTimed = (file: string, loops = 1) => {
  const started = process.hrtime.bigint();
  const raw = execFileSync(
    'sh',
    ['-c', 'ndpiReader -i "$1" -l "$2"; echo "@@stat $(cat /proc/$$/stat)"', 'sh', file, String(loops)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const at = raw.lastIndexOf('@@stat ');
  const out = raw.slice(0, at);
  const cpuMs = childrenCpuMs(raw.slice(at + 7).trim());
  const processing = Number(/Packet Processing Time:\s+(\d+) msec/.exec(out)?.[1] ?? Number.NaN);
  const peak = /Peak Memory:\s+([\d.]+) (KB|MB)/.exec(out);
  const peakMb = peak === null ? Number.NaN : Number(peak[1]) / (peak[2] === 'KB' ? 1024 : 1);
  return { ms, cpuMs, processingMs: processing, peakMemoryMb: Math.round(peakMb) };
};

export type ThroughputResult = {
  capture: { bytes: number; packets: number; flows: number };
  ours: ChildResult & {
    packetsPerSecond: number;
    mbPerSecond: number;
    cpuUsPerPacket: number;
    cpuMbPerSecond: number;
  };
  oursWithThreats: ChildResult & { packetsPerSecond: number; slowdown: number };
  /** The floors under the engine: reading the capture only; decode, flows and reassembly with no protocol detector. */
  stages: { read: ChildResult; pipeline: ChildResult };
  /** Each figure is the least CPU of this many runs. */
  runs: number;
  /**
   * Steady state, as in a tap that has run for a while: the capture inspected `passes` times in one process, the
   * last pass's CPU (the JIT has compiled the hot code); nDPI's per-loop CPU of `ndpiReader -l passes` past its first
   * loop. Least of `runs`.
   */
  steady: { passes: number; engineCpuMs: number; threatsCpuMs: number; ndpiCpuMs?: number; ratio?: number };
  ndpi?: {
    ms: number;
    cpuMs: number;
    cpuUsPerPacket: number;
    cpuMbPerSecond: number;
    processingMs: number;
    peakMemoryMb: number;
    packetsPerSecond: number;
    mbPerSecond: number;
  };
  /** nDPI CPU time / ours (≥ 1: meshward needs no more CPU than nDPI for the same capture). */
  ratio?: number;
  /** The same on wall time (noisy on a shared machine). */
  wallRatio?: number;
  labels: {
    truthFlows: number;
    oursCorrect: number;
    ndpiCorrect?: number;
    ndpiRightWeWrong?: number;
    examples: string[];
  };
};

export const ensureCapture = async (file: string) => {
  mkdirSync(work, { recursive: true });
  const flowsFile = `${file}.flows.json`;
  const generator = statSync(join(import.meta.dirname, 'synthetic-capture.ts')).mtimeMs;
  if (existsSync(file) && existsSync(flowsFile) && statSync(file).mtimeMs > generator) {
    return JSON.parse(readFileSync(flowsFile, 'utf8')) as {
      flows: SyntheticFlow[];
      bytes: number;
      packets: number;
    };
  }
  const made = await generateSyntheticCapture(file);
  const summary = { flows: made.flows, bytes: made.bytes, packets: made.packets };
  writeFileSync(flowsFile, JSON.stringify(summary));
  return summary;
};

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const usPer = (ms: number, packets: number) => Math.round(((ms * 1000) / packets) * 100) / 100;
const mbPerSecond = (bytes: number, ms: number) => Math.round((bytes / 1048576 / ms) * 10000) / 10;

export const runThroughputBench = async (runs = 3): Promise<ThroughputResult> => {
  const file = join(work, 'synthetic.pcap');
  const capture = await ensureCapture(file);
  const labelsFile = join(work, 'ours-labels.json');
  const child = await buildChild();
  // Labels from one engine run; then each figure is the best (least CPU) of `runs`, taken in turns so that
  // every configuration sees the same machine load.
  runOurs(child, file, 'engine', labelsFile);
  const best: Record<Mode, ChildResult[]> = { read: [], pipeline: [], engine: [], threats: [] };
  const ndpiRuns: ReturnType<typeof runNdpiTimed>[] = [];
  const steadyRuns: { engine: number[]; threats: number[]; ndpi: number[] } = {
    engine: [],
    threats: [],
    ndpi: [],
  };
  const lastPass = (r: ChildResult) => r.passCpuMs[r.passCpuMs.length - 1] ?? r.cpuMs;
  for (let round = 0; round < runs; round += 1) {
    for (const mode of Object.keys(best) as Mode[]) best[mode].push(runOurs(child, file, mode));
    steadyRuns.engine.push(lastPass(runOurs(child, file, 'engine', undefined, steadyPasses)));
    steadyRuns.threats.push(lastPass(runOurs(child, file, 'threats', undefined, steadyPasses)));
    if (!ndpiAvailable()) continue;
    const once = runNdpiTimed(file);
    ndpiRuns.push(once);
    steadyRuns.ndpi.push((runNdpiTimed(file, steadyPasses).cpuMs - once.cpuMs) / (steadyPasses - 1));
  }
  const least = <T extends { cpuMs: number }>(list: T[]): T =>
    list.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a), list[0] as T);
  const ours = least(best.engine);
  const threats = least(best.threats);
  const ourLabels = JSON.parse(readFileSync(labelsFile, 'utf8')) as Record<string, string>;
  const key = (f: SyntheticFlow) => `${f.transport}|${f.client}|${f.server}`;
  const truth = capture.flows.filter((f) => f.truth !== 'unknown');
  const oursCorrect = truth.filter((f) => ourLabels[key(f)] === f.truth).length;
  const result: ThroughputResult = {
    capture: { bytes: capture.bytes, packets: capture.packets, flows: capture.flows.length },
    ours: {
      ...ours,
      packetsPerSecond: rate(ours.packets, ours.ms),
      mbPerSecond: mbPerSecond(ours.bytes, ours.ms),
      cpuUsPerPacket: usPer(ours.cpuMs, ours.packets),
      cpuMbPerSecond: mbPerSecond(ours.bytes, ours.cpuMs),
    },
    oursWithThreats: {
      ...threats,
      packetsPerSecond: rate(threats.packets, threats.ms),
      slowdown: Math.round((threats.cpuMs / ours.cpuMs) * 100) / 100,
    },
    stages: { read: least(best.read), pipeline: least(best.pipeline) },
    runs,
    steady: {
      passes: steadyPasses,
      engineCpuMs: Math.min(...steadyRuns.engine),
      threatsCpuMs: Math.min(...steadyRuns.threats),
    },
    labels: { truthFlows: truth.length, oursCorrect, examples: [] },
  };
  if (!ndpiAvailable()) return result;
  const ndpi = least(ndpiRuns);
  const ndpiFlows = runNdpi(file);
  const ndpiLabels = new Map(ndpiFlows.map((f) => [[f.a, f.b].sort().join('|'), ourIdOf(f) ?? f.app]));
  const ndpiOf = (f: SyntheticFlow) => ndpiLabels.get([f.client, f.server].sort().join('|'));
  const ndpiRightWeWrong = truth.filter((f) => ndpiOf(f) === f.truth && ourLabels[key(f)] !== f.truth);
  result.ndpi = {
    ...ndpi,
    packetsPerSecond: rate(capture.packets, ndpi.ms),
    mbPerSecond: mbPerSecond(capture.bytes, ndpi.ms),
    cpuUsPerPacket: usPer(ndpi.cpuMs, capture.packets),
    cpuMbPerSecond: mbPerSecond(capture.bytes, ndpi.cpuMs),
  };
  result.ratio = Math.round((ndpi.cpuMs / ours.cpuMs) * 100) / 100;
  result.steady.ndpiCpuMs = Math.min(...steadyRuns.ndpi);
  result.steady.ratio = Math.round((result.steady.ndpiCpuMs / result.steady.engineCpuMs) * 100) / 100;
  result.wallRatio = Math.round((ndpi.ms / ours.ms) * 100) / 100;
  result.labels = {
    ...result.labels,
    ndpiCorrect: truth.filter((f) => ndpiOf(f) === f.truth).length,
    ndpiRightWeWrong: ndpiRightWeWrong.length,
    examples: ndpiRightWeWrong
      .slice(0, 10)
      .map((f) => `${f.template}: truth ${f.truth}, ours ${ourLabels[key(f)]}, nDPI ${ndpiOf(f)}`),
  };
  return result;
};
