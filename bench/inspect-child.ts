/** Child process of the throughput benchmark: inspects one capture and prints timing, memory and labels as JSON. */

import { createReadStream, writeFileSync } from 'node:fs';
import { createCaptureParser } from '#sidecar/capture/capture-parser.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { createEngine, type Engine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { EngineStats } from '#sidecar/engine/engine-stats.ts';
import { type InspectResult, inspectFile } from '#sidecar/engine/inspect-file.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const modes = ['read', 'pipeline', 'engine', 'threats'] as const;
/** `--passes N`: inspect the capture N times in this one process (a tap runs for days: later passes are steady state). */
const args = process.argv.slice(2);
const passesAt = args.indexOf('--passes');
const passes = passesAt < 0 ? 1 : Number(args[passesAt + 1]);
if (passesAt >= 0) args.splice(passesAt, 2);
/**
 * `--continuous`: every pass goes through one engine, as a tap's traffic does, each pass's times moved on past the
 * last (the capture read again a second after it ended): flows of one pass still open as the next begins, parsers of
 * every protocol always alive. Without it each pass is a new engine, as `meshward inspect` makes for each file.
 */
const continuousAt = args.indexOf('--continuous');
const continuous = continuousAt >= 0;
if (continuous) args.splice(continuousAt, 1);
const [file, mode = 'engine', labelsOut] = args;
if (!Number.isInteger(passes) || passes < 1) throw new Error('--passes needs a whole number of at least 1');
if (file === undefined || !(modes as readonly string[]).includes(mode))
  throw new Error(`usage: inspect-child FILE [${modes.join('|')}] [LABELS.json]`);

/** Only the capture reader: every record parsed and counted, nothing decoded (the floor under everything else). */
const readOnly = async (path: string): Promise<InspectResult> => {
  let packets = 0;
  let size = 0;
  const parser = createCaptureParser({
    record: () => {
      packets += 1;
    },
    problem: () => undefined,
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    parser.push(chunk as Uint8Array);
    size += (chunk as Uint8Array).length;
  }
  parser.end();
  return { findings: [], problems: [], size, stats: { packets } as EngineStats, compressed: false };
};

/**
 * One engine for every pass (`--continuous`), each pass's packet times moved on by the capture's span; made on the
 * first such pass, so the other modes' first pass does not pay for it.
 */
let tapEngine: Engine | undefined;
let shift = 0;
const tapRecord: PacketRecord = { ts: 0, linkType: 0, data: new Uint8Array(0), originalLength: 0, offset: 0 };
const throughTap = async (path: string): Promise<InspectResult> => {
  tapEngine ??= createEngine({ observers: mode === 'threats' ? defaultObservers() : [] });
  const engine = tapEngine;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let size = 0;
  const parser = createCaptureParser({
    record: (ts, linkType, data, originalLength, offset) => {
      if (ts < first) first = ts;
      if (ts > last) last = ts;
      tapRecord.ts = ts + shift;
      tapRecord.linkType = linkType;
      tapRecord.data = data;
      tapRecord.originalLength = originalLength;
      tapRecord.offset = offset;
      engine.push(tapRecord);
    },
    problem: () => undefined,
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    parser.push(chunk as Uint8Array);
    size += (chunk as Uint8Array).length;
  }
  parser.end();
  const findings = engine.flush(last + shift);
  shift += last - first + 1000;
  return { findings, problems: [], size, stats: engine.stats(), compressed: false };
};

const inspect = (path: string): Promise<InspectResult> =>
  continuous && mode !== 'read' && mode !== 'pipeline'
    ? throughTap(path)
    : mode === 'read'
      ? readOnly(path)
      : inspectFile(path, {
          observers: mode === 'threats' ? defaultObservers() : [],
          // pipeline: decode, flows and reassembly with no protocol detector (every flow ends unknown at once).
          ...(mode === 'pipeline' ? { protocols: [] } : {}),
        });

const cpuNow = (): number => {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
};

/** The first pass is the one reported (a fresh process, JIT compilation included); each pass's CPU is listed. */
const started = process.hrtime.bigint();
const cpuStart = cpuNow();
const result = await inspect(file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const passCpuMs = [cpuNow() - cpuStart];
let last = result;
for (let pass = 1; pass < passes; pass++) {
  const before = cpuNow();
  last = await inspect(file);
  passCpuMs.push(cpuNow() - before);
}
const { flows, threats } = splitFindings(result.findings);
if (labelsOut !== undefined) {
  const labels = Object.fromEntries(
    flows.map((f) => [
      `${f.transport}|${f.client.ip}:${f.client.port}|${f.server.ip}:${f.server.port}`,
      f.protocol,
    ]),
  );
  writeFileSync(labelsOut, JSON.stringify(labels));
}
process.stdout.write(
  `${JSON.stringify({
    ms,
    cpuMs: passCpuMs[0],
    passCpuMs,
    packets: result.stats.packets,
    // The engine's count after the last pass: every pass's packets with `--continuous`, the last pass's without.
    lastPackets: last.stats.packets,
    bytes: result.size,
    flows: flows.length,
    threats: threats.length,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
