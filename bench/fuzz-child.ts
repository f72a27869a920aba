/**
 * Child process of the fuzz benchmark (run with --expose-gc): a million random and mutated packets, written as
 * pcap streams under random link types and split at random points, through the capture reader, the engine and
 * the default observers, until a million records reached the engine. Prints one JSON line: throws, counters, heap after GC at 100k/500k/1M packets, peak RSS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureParser } from '#sidecar/capture/capture-parser.ts';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { fuzzLinkTypes, mutate, type Rand, relink, seededRand } from './fuzz-mutations.ts';
import { generateSyntheticCapture } from './synthetic-capture.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const checkpoints = [100_000, 250_000, 500_000, 750_000, 1_000_000].filter((n) => n <= total);
const batchSize = 1000;
const maxSeedFrames = 20_000;

const seedFrames = async (): Promise<Uint8Array[]> => {
  const file = join(import.meta.dirname, 'work', 'fuzz-seed.pcap');
  if (!existsSync(file))
    await generateSyntheticCapture(file, { targetBytes: 8 * 1024 * 1024, bulkShare: 0.1 });
  return readCapture(readFileSync(file))
    .records.slice(0, maxSeedFrames)
    .map((r) => r.data);
};

/** One pcap stream: global header with the link type, then records; a few record headers are corrupted. */
const pcapStream = (
  frames: Uint8Array[],
  linkType: number,
  clock: { us: number },
  rand: Rand,
): Uint8Array => {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 262144, true);
  view.setUint32(20, linkType, true);
  let at = 24;
  for (const frame of frames) {
    clock.us += rand(2000);
    if (rand(100_000) === 0) clock.us -= rand(2_000_000); // a clock step back now and then
    view.setUint32(at, Math.floor(clock.us / 1e6), true);
    view.setUint32(at + 4, clock.us % 1e6, true);
    const corrupt = rand(2000) === 0;
    view.setUint32(at + 8, corrupt ? rand(400_000) : frame.length, true);
    view.setUint32(at + 12, corrupt ? rand(70_000) : frame.length + (rand(50) === 0 ? rand(100) : 0), true);
    out.set(frame, at + 16);
    at += 16 + frame.length;
  }
  return out;
};

const heapMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
};

const frames = await seedFrames();
const rand = seededRand(20261126);
const engine = createEngine({ observers: process.argv[3] === 'engine' ? [] : defaultObservers() });
const clock = { us: 1_764_000_000 * 1e6 };
const samples: { packets: number; heapMb: number; rssMb: number; activeFlows: number; heldKb: number }[] = [];
let generated = 0;
let pushed = 0;
let nextCheckpoint = 0;
let findings = 0;
let peakHeap = 0;
let threw: string | undefined;
const cpuStart = process.cpuUsage();
try {
  while (pushed < total) {
    const linkType = fuzzLinkTypes[rand(fuzzLinkTypes.length)] ?? 1;
    const batch = Array.from({ length: batchSize }, () => relink(mutate(frames, rand), linkType, rand));
    const bytes = pcapStream(batch, linkType, clock, rand);
    let lastTs = 0;
    const parser = createCaptureParser({
      record: (ts, type, data, originalLength, offset) => {
        engine.push({ ts, linkType: type, data, originalLength, offset });
        pushed += 1;
        lastTs = ts;
      },
      problem: () => undefined,
    });
    for (let at = 0; at < bytes.length; ) {
      const step = 1 + rand(rand(4) === 0 ? 64 : 65536);
      parser.push(bytes.subarray(at, at + step));
      at += step;
    }
    parser.end();
    findings += engine.flush(lastTs).length;
    generated += batchSize;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    const checkpoint = checkpoints[nextCheckpoint];
    if (checkpoint !== undefined && pushed >= checkpoint) {
      nextCheckpoint += 1;
      const now = engine.stats();
      samples.push({
        packets: pushed,
        heapMb: heapMb(),
        rssMb: Math.round(process.memoryUsage().rss / 1048576),
        activeFlows: now.flows.active,
        heldKb: Math.round(now.heldBytes / 1024),
      });
    }
  }
  findings += engine.flush().length;
} catch (error) {
  threw = error instanceof Error ? (error.stack ?? error.message) : String(error);
}
const cpu = process.cpuUsage(cpuStart);
const stats = engine.stats();
process.stdout.write(
  `${JSON.stringify({
    generated,
    pushed: stats.packets,
    activeFlows: stats.flows.active,
    heldBytes: stats.heldBytes,
    fragments: stats.fragments,
    threw,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    findings,
    flowsCreated: stats.flows.created,
    flowsEvicted: stats.flows.evicted,
    decode: stats.decode,
    parserErrors: stats.parserErrors,
    observerErrors: stats.observerErrors,
    samples,
    peakHeapMb: Math.round(peakHeap / 1048576),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
