/** Runs the engine over one nDPI corpus capture and pairs each of nDPI's flows with ours. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { type NdpiFlow, ourIdOf, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';

export const ndpiCorpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'ndpi');

export type Pairing = { file: string; ndpi: NdpiFlow; expected?: string; ours?: FlowFinding };

const endpoint = (text: string) => text.replace(/^\[(.*)\]:(\d+)$/, '$1:$2');
const key = (transport: string, a: string, b: string) =>
  `${transport}|${[endpoint(a), endpoint(b)].sort().join('|')}`;
const ourKey = (f: FlowFinding) =>
  key(f.transport, `${f.client.ip}:${f.client.port}`, `${f.server.ip}:${f.server.port}`);

export const compareCapture = async (file: string): Promise<{ pairings: Pairing[]; ours: FlowFinding[] }> => {
  const ndpi = parseNdpiFlows(readFileSync(join(ndpiCorpus, `${file}.out`), 'utf8'));
  const result = await inspectFile(join(ndpiCorpus, file));
  const ours = result.findings.filter((f): f is FlowFinding => f.type === 'flow');
  const byKey = new Map(ours.map((f) => [ourKey(f), f]));
  const pairings = ndpi.map((flow) => {
    const found = byKey.get(key(flow.transport, flow.a, flow.b));
    const expected = ourIdOf(flow);
    return {
      file,
      ndpi: flow,
      ...(expected === undefined ? {} : { expected }),
      ...(found === undefined ? {} : { ours: found }),
    };
  });
  return { pairings, ours };
};
