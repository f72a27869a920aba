/** Child process of the throughput benchmark: inspects one capture and prints timing, memory and labels as JSON. */

import { createReadStream, writeFileSync } from 'node:fs';
import type { FlowFinding } from '#core/finding.ts';
import { createCaptureParser } from '#sidecar/capture/capture-parser.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { EngineStats } from '#sidecar/engine/engine-stats.ts';
import { type InspectResult, inspectFile } from '#sidecar/engine/inspect-file.ts';

const modes = ['read', 'pipeline', 'engine', 'threats'] as const;
const [file, mode = 'engine', labelsOut] = process.argv.slice(2);
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
  return { findings: [], problems: [], size, stats: { packets } as EngineStats };
};

const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
// pipeline: decode, flows and reassembly with no protocol detector (every flow ends unknown at once).
const result =
  mode === 'read'
    ? await readOnly(file)
    : await inspectFile(file, {
        observers: mode === 'threats' ? defaultObservers() : [],
        ...(mode === 'pipeline' ? { protocols: [] } : {}),
      });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(cpuStart);
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
    cpuMs: (cpu.user + cpu.system) / 1000,
    packets: result.stats.packets,
    bytes: result.size,
    flows: flows.length,
    threats: result.findings.filter((f) => f.type === 'threat').length,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
