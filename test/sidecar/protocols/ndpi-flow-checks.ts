/** Test helper: every nDPI flow fixture (test/fixtures/protocols/ndpi-*.json) not listed, for "no false match" checks. */
import { readdirSync } from 'node:fs';
import { ndpiFlows, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';

export type ForeignFlow = { fixture: string; stream: number; segments: Segment[] };

const fixtureDir = new URL('../../fixtures/protocols/', import.meta.url);

/** Flows from every fixture except `own` (which hold this protocol's flows, or flows that tunnel it). */
export const foreignFlows = (own: readonly string[]): ForeignFlow[] =>
  readdirSync(fixtureDir)
    .filter((name) => /^ndpi-.+\.json$/.test(name))
    .map((name) => name.slice('ndpi-'.length, -'.json'.length))
    .filter((fixture) => !own.includes(fixture))
    .flatMap((fixture) => ndpiFlows(fixture).map((flow) => ({ fixture, ...flow })));
