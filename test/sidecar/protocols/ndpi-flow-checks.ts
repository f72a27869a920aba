/** Test helpers over nDPI's real flows (test/fixtures/protocols/ndpi-*.json): false-match and mutation checks. */
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { detectFlow, ndpiFlows, prng, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

export type NdpiFlow = { fixture: string; stream: number; segments: Segment[] };

const fixtureDir = new URL('../../fixtures/protocols/', import.meta.url);

const allFlows = (): NdpiFlow[] =>
  readdirSync(fixtureDir)
    .filter((name) => /^ndpi-.+\.json$/.test(name))
    .map((name) => name.slice('ndpi-'.length, -'.json'.length))
    .flatMap((fixture) => ndpiFlows(fixture).map((flow) => ({ fixture, ...flow })));

/** Flows from every fixture except `own` (which hold this protocol's flows, or flows that tunnel it). */
export const foreignFlows = (own: readonly string[]): NdpiFlow[] =>
  allFlows().filter((f) => !own.includes(f.fixture));

/** Half the losses have a known length (ADR 34): the split point's, so the random draws stay the same. */
const lostAt = (cut: number): number | undefined => (cut % 2 === 0 ? cut : undefined);

/**
 * Feeds every real flow, with a few random octets overwritten per segment, split at a random point and with
 * an occasional gap, through one parser per flow; returns how many segments went through (a throw fails the test).
 */
export const mutatedFlowsParse = (protocol: Protocol, rounds: number, seed: number): number => {
  const next = prng(seed);
  let segments = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const flow of allFlows()) {
      const parser = protocol.createParser();
      for (const [direction, bytes] of flow.segments.slice(0, 12)) {
        const mutated = Uint8Array.from(bytes);
        for (let i = 0; i < 1 + next() * 4 && mutated.length > 0; i += 1) {
          mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
        }
        const cut = Math.floor(next() * (mutated.length + 1));
        protocol.detect(mutated, direction);
        parser.parse(mutated.subarray(0, cut), direction, 1);
        if (next() < 0.05) parser.gap(direction, lostAt(cut));
        parser.parse(mutated.subarray(cut), direction, 2);
        segments += 1;
      }
    }
  }
  return segments;
};

/**
 * The two false-match tests every protocol's detect suite runs: no match on other protocols' real flows
 * (`own` names the fixtures holding this protocol's flows or tunnelling it) and on their first bytes.
 */
export const itRejectsForeignBytes = (protocol: Protocol, own: readonly string[]): void => {
  it("matches none of the other protocols' real flows from nDPI's captures", () => {
    const flows = foreignFlows(own);
    expect(flows.length).toBeGreaterThan(20);
    for (const flow of flows)
      expect(detectFlow(protocol, flow.segments), `${flow.fixture} #${flow.stream}`).toBe(false);
  });

  it("says no-match on other protocols' first bytes", () => {
    for (const sample of samplesExcept(protocol.id)) {
      expect(protocol.detect(sample.bytes, 'to-server'), sample.protocol).not.toBe('match');
      expect(protocol.detect(sample.bytes, 'to-client'), sample.protocol).not.toBe('match');
    }
  });
};
