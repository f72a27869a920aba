/** Test helper: one HTTP/1 parser fed segments and losses (reassembly gaps), as the engine feeds it. */
import type { Direction, HttpRequestEvent, HttpResponseEvent, ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';

/** A segment, octets lost in one direction (`lost` of them when the reassembler knew how many), or the flow's end. */
export type Step = Segment | { gap: Direction; lost?: number } | { end: true };

/** Every event, in order: those of each segment and those each loss returns (what it cut). */
export const runSteps = (steps: readonly Step[]): ProtocolEvent[] => {
  const parser = http.createParser();
  return steps.flatMap((step, i) => {
    if ('end' in step) return parser.end?.() ?? [];
    return 'gap' in step ? (parser.gap(step.gap, step.lost) ?? []) : parser.parse(step[1], step[0], 1000 + i);
  });
};

export const responses = (events: readonly ProtocolEvent[]): HttpResponseEvent[] =>
  events.filter((e): e is HttpResponseEvent => e.kind === 'http-response');

export const requests = (events: readonly ProtocolEvent[]): HttpRequestEvent[] =>
  events.filter((e): e is HttpRequestEvent => e.kind === 'http-request');

/** The target each response names. */
export const named = (steps: readonly Step[]): (string | undefined)[] =>
  responses(runSteps(steps)).map((r) => r.request?.target);

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
