/** Child process of the throughput benchmark: inspects one capture and prints timing, memory and labels as JSON. */
import { writeFileSync } from 'node:fs';
import type { FlowFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';

const [file, mode = 'engine', labelsOut] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: inspect-child FILE [engine|threats] [LABELS.json]');
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const result = await inspectFile(file, { observers: mode === 'threats' ? defaultObservers() : [] });
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
