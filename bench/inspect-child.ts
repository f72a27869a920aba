/** Child process of the throughput benchmark: inspects one capture and prints timing, memory and labels as JSON. */

import { createReadStream, writeFileSync } from 'node:fs';
import type { FlowFinding } from '#core/finding.ts';
import { createCaptureParser } from '#sidecar/capture/capture-parser.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { EngineStats } from '#sidecar/engine/engine-stats.ts';
import { type InspectResult, inspectFile } from '#sidecar/engine/inspect-file.ts';

const modes = ['read', 'pipeline', 'engine', 'threats'] as const;
/** `--passes N`: inspect the capture N times in this one process (a tap runs for days: later passes are steady state). */
const args = process.argv.slice(2);
const passesAt = args.indexOf('--passes');
const passes = passesAt < 0 ? 1 : Number(args[passesAt + 1]);
if (passesAt >= 0) args.splice(passesAt, 2);
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

const inspect = (path: string): Promise<InspectResult> =>
  mode === 'read'
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
for (let pass = 1; pass < passes; pass++) {
  const before = cpuNow();
  await inspect(file);
  passCpuMs.push(cpuNow() - before);
}
const flows = result.findings.filter((f): f is FlowFinding => f.type === 'flow');
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
    bytes: result.size,
    flows: flows.length,
    threats: result.findings.filter((f) => f.type === 'threat').length,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
