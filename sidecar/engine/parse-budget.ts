/**
 * How far the engine parses each direction of a flow, from what its observers declare they read (ADR 0009):
 * to the end when someone reads every event of a kind the protocol emits in that direction; else up to the summary
 * bound (`limits.summaryBytes`); not at all when the protocol's summary skips the direction and nobody reads its
 * first events either.
 */
import type { EngineObserver } from '../engine-observer.ts';
import type { Direction, ProtocolEventKind } from '../events.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { EventRead } from './event-read.ts';
import { protocolEventKinds } from './protocol-event-kinds.ts';

export type ParseBudget = {
  /** Bytes of this direction a flow of this protocol parses from the start: Infinity, the summary bound, or 0. */
  of(protocol: Protocol, direction: Direction): number;
  /** Someone reads every event of this kind in this direction of this protocol's flows: parse it to the end. */
  lifts(protocol: Protocol, kind: ProtocolEventKind, direction: Direction): boolean;
};

/**
 * Kinds the engine itself reads, every one: announcements of coming flows (expected-flows.ts). A protocol that emits
 * them is parsed to the end in both directions, observers or not, or a data connection announced after the summary
 * bound (an FTP session's 1,500th PORT command) would go unlabelled.
 */
const engineReads: readonly ProtocolEventKind[] = ['expected-flow'];

/** What one protocol's flows need in one direction. */
type Plan = { budget: number; lifting: ReadonlySet<ProtocolEventKind> | 'any' };

const allKinds = (kinds: readonly ProtocolEventKind[] | undefined, reads: readonly EventRead[]) =>
  kinds ?? reads.map((read) => read.kind);

/** What the `first` readers of a direction the summary skips need: the most any asks for, within the bound. */
const firstBytes = (
  kinds: readonly ProtocolEventKind[],
  reads: readonly EventRead[],
  summaryBytes: number,
): number =>
  reads
    .filter((read) => read.depth === 'first' && kinds.includes(read.kind))
    .reduce((most, read) => Math.max(most, Math.min(read.bytes ?? summaryBytes, summaryBytes)), 0);

const planOf = (
  protocol: Protocol,
  direction: Direction,
  observers: readonly EngineObserver[],
  summaryBytes: number,
): Plan => {
  const readers = observers.filter((observer) => observer.onEvent !== undefined);
  if (readers.some((observer) => observer.reads === undefined))
    return { budget: Number.POSITIVE_INFINITY, lifting: 'any' };
  if (protocolEventKinds[protocol.id]?.kinds.some((kind) => engineReads.includes(kind)))
    return { budget: Number.POSITIVE_INFINITY, lifting: 'any' };
  const reads = readers
    .flatMap((observer) => observer.reads ?? [])
    .filter(
      (read) =>
        read.directions.includes(direction) &&
        (read.protocols === undefined || read.protocols.includes(protocol.id)),
    );
  const kinds = allKinds(protocolEventKinds[protocol.id]?.kinds, reads);
  const every = new Set(reads.filter((read) => read.depth === 'every').map((read) => read.kind));
  const read = (depth: EventRead['depth']) =>
    kinds.some((kind) => reads.some((r) => r.kind === kind && r.depth === depth));
  const summary = protocol.summaryDirections;
  let budget = 0;
  if (read('every')) budget = Number.POSITIVE_INFINITY;
  else if (summary === undefined || summary.includes(direction)) budget = summaryBytes;
  else budget = firstBytes(kinds, reads, summaryBytes);
  return { budget, lifting: every };
};

export const parseBudget = (observers: readonly EngineObserver[], summaryBytes: number): ParseBudget => {
  const cache = new Map<Protocol, readonly [Plan, Plan]>();
  const plan = (protocol: Protocol, direction: Direction): Plan => {
    let plans = cache.get(protocol);
    if (plans === undefined) {
      plans = [
        planOf(protocol, 'to-server', observers, summaryBytes),
        planOf(protocol, 'to-client', observers, summaryBytes),
      ];
      cache.set(protocol, plans);
    }
    return direction === 'to-server' ? plans[0] : plans[1];
  };
  return {
    of: (protocol, direction) => plan(protocol, direction).budget,
    lifts(protocol, kind, direction) {
      const lifting = plan(protocol, direction).lifting;
      return lifting === 'any' || lifting.has(kind);
    },
  };
};
