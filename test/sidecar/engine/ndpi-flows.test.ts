import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flowFindingSchema } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

/**
 * nDPI's own test captures with its per-flow output (see ../shared/corpus/README.md). nDPI's flow lines read
 * `N  TCP a:1 <-> b:2 [proto: ...]...[12 pkts/1366 bytes <-> 12 pkts/1664 bytes]`: the first endpoint is its client.
 */
const corpus = corpusDir('ndpi');
const flowLine =
  /^\s+\d+\s+(TCP|UDP|ICMP|ICMPV6)\s+(\S+) (?:<->|->) (\S+) .*?\[(\d+) pkts\/\d+ bytes(?: (?:<->|->) (\d+) pkts\/\d+ bytes)?\]/;

const captures = (() => {
  try {
    return readdirSync(corpus).filter((name) => /\.(pcap|pcapng|cap)$/.test(name));
  } catch {
    return [];
  }
})();

/** Where nDPI's client is wrong, and why (checked by hand with tshark). */
const ndpiOrientationWrong: Record<string, string> = {
  'mqtt.pcap: 10.10.10.1:1883 -> 192.168.0.1:41892':
    "the capture starts with the server's SYN-ACK (1883 → 41892); nDPI takes the first sender as the client",
};

type Expected = { transport: string; client: string; server: string; packets: number };

const ndpiFlows = (name: string): Expected[] =>
  readFileSync(`${corpus}/${name}.out`, 'utf8')
    .split('\n')
    .map((line) => flowLine.exec(line))
    .filter((match) => match !== null)
    .map((m) => ({
      transport: (m[1] as string).toLowerCase(),
      client: m[2] as string,
      server: m[3] as string,
      packets: Number(m[4]) + Number(m[5] ?? 0),
    }));

const text = (endpoint: { ip: string; port: number }) =>
  endpoint.ip.includes(':') ? `[${endpoint.ip}]:${endpoint.port}` : `${endpoint.ip}:${endpoint.port}`;
const unordered = (transport: string, a: string, b: string) => [transport, ...[a, b].sort()].join(' ');

describe.skipIf(captures.length === 0)('nDPI test captures (corpus missing: skipped)', () => {
  for (const name of captures) {
    it(`${name}: the same flows and packet counts as nDPI, no malformed packets, valid findings`, async () => {
      const result = await inspectFile(`${corpus}/${name}`);
      expect(result.problems).toEqual([]);
      const bad = Object.keys(result.stats.decode).filter((outcome) =>
        /malformed|truncated|unsupported/.test(outcome),
      );
      expect(bad).toEqual([]);
      const { flows } = splitFindings(result.findings);
      for (const flow of flows) flowFindingSchema.parse(flow);
      // The same 5-tuple may appear on two VLANs (a mirror port): compare the packet counts per 5-tuple as lists.
      const group = (entries: [string, number][]) => {
        const map = new Map<string, number[]>();
        for (const [key, packets] of entries)
          map.set(
            key,
            [...(map.get(key) ?? []), packets].sort((a, b) => a - b),
          );
        return map;
      };
      const ours = group(
        flows.map((f) => [
          unordered(f.transport, text(f.client), text(f.server)),
          f.packets.toServer + f.packets.toClient,
        ]),
      );
      const expected = ndpiFlows(name);
      const theirs = group(expected.map((f) => [unordered(f.transport, f.client, f.server), f.packets]));
      for (const [key, packets] of theirs) expect(ours.get(key), `${name} ${key}`).toEqual(packets);
      // nDPI lists ICMP flows only when it labels them; every other flow of ours must be one of nDPI's.
      expect(flows.filter((f) => f.transport !== 'icmp').length).toBe(
        expected.filter((f) => f.transport !== 'icmp').length,
      );
    });
  }

  it('agrees with nDPI on which endpoint is the client for flows that start with a handshake', async () => {
    let compared = 0;
    const disagreements: string[] = [];
    for (const name of captures) {
      const { flows } = splitFindings((await inspectFile(`${corpus}/${name}`)).findings);
      const byKey = new Map(
        flows
          .filter((f) => !f.notes?.some((note) => note.startsWith('no handshake')))
          .map((f) => [unordered(f.transport, text(f.client), text(f.server)), f]),
      );
      for (const flow of ndpiFlows(name)) {
        const ours = byKey.get(unordered(flow.transport, flow.client, flow.server));
        if (ours === undefined || ours.transport !== 'tcp') continue;
        compared += 1;
        if (text(ours.client) !== flow.client)
          disagreements.push(`${name}: ${flow.client} -> ${flow.server}`);
      }
    }
    expect(compared).toBeGreaterThan(50);
    expect(disagreements).toEqual(Object.keys(ndpiOrientationWrong));
  });
});
