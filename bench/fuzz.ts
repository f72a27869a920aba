/** Registers the fuzz benchmark: a million hostile packets through the whole pipeline, no throw, bounded heap. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Benchmark, table } from './benchmark.ts';

type Sample = { packets: number; heapMb: number; rssMb: number; activeFlows: number; heldKb: number };

export type FuzzResult = {
  generated: number;
  pushed: number;
  threw?: string;
  cpuMs: number;
  findings: number;
  flowsCreated: number;
  flowsEvicted: number;
  decode: Record<string, number>;
  parserErrors: number;
  observerErrors: number;
  samples: Sample[];
  peakHeapMb: number;
  maxRssMb: number;
};

/** Bounded: the heap after GC at the end is within 20% (or 8 MiB) of the heap halfway through. */
export const heapBounded = (samples: readonly Sample[]): boolean => {
  const last = samples.at(-1);
  const half = samples.find((s) => last !== undefined && s.packets >= last.packets / 2);
  return (
    last !== undefined &&
    half !== undefined &&
    half !== last &&
    last.heapMb <= Math.max(half.heapMb * 1.2, half.heapMb + 8)
  );
};

const runFuzz = async (): Promise<FuzzResult> => {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'fuzz-child.ts'), '1000000'],
    { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as FuzzResult;
  if (result.threw !== undefined) throw new Error(`the pipeline threw on a fuzzed packet: ${result.threw}`);
  return result;
};

export const fuzzBenchmark: Benchmark<FuzzResult> = {
  id: 'fuzz',
  title: 'Fuzz: one million random and mutated packets through capture reader, engine and threat observers',
  run: runFuzz,
  render: (r) =>
    [
      `${r.pushed} records reached the engine (${r.generated} generated; corrupted record headers cost the rest), ` +
        `no throw; ${r.cpuMs} ms CPU (${((r.cpuMs * 1000) / r.pushed).toFixed(1)} µs/packet).`,
      `Decode outcomes: ${Object.entries(r.decode)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
      `Flows created ${r.flowsCreated}, evicted ${r.flowsEvicted}; findings ${r.findings}; contained parser errors ${r.parserErrors}, observer errors ${r.observerErrors}.`,
      '',
      table(
        ['packets', 'heap after GC MiB', 'RSS MiB', 'active flows', 'held out-of-order KiB'],
        r.samples.map((s) => [s.packets, s.heapMb, s.rssMb, s.activeFlows, s.heldKb]),
      ),
      '',
      `Peak heap (sampled every 1000 packets) ${r.peakHeapMb} MiB, peak RSS ${r.maxRssMb} MiB. ` +
        `Heap ${heapBounded(r.samples) ? 'bounded' : 'GROWS'} (heap at the end within 20% or 8 MiB of the heap halfway).`,
    ].join('\n'),
};
