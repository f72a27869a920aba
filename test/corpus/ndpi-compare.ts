/** Runs the engine over one nDPI corpus capture and pairs each of nDPI's flows with ours. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { type NdpiFlow, ourIdOf, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

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
  const ours = splitFindings(result.findings).flows;
  const byKey = new Map<string, FlowFinding[]>();
  for (const flow of ours) byKey.set(ourKey(flow), [...(byKey.get(ourKey(flow)) ?? []), flow]);
  // The same 5-tuple can appear on several VLANs: pick ours with nDPI's packet count, else the busiest.
  const pick = (candidates: FlowFinding[] | undefined, packets: number) => {
    const total = (f: FlowFinding) => f.packets.toServer + f.packets.toClient;
    return (
      candidates?.find((f) => total(f) === packets) ?? candidates?.sort((a, b) => total(b) - total(a))[0]
    );
  };
  const pairings = ndpi.map((flow) => {
    const found = pick(byKey.get(key(flow.transport, flow.a, flow.b)), flow.packets);
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
