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
  /** Someone reads every event of this kind in this direction: a flow that emits one parses that direction to its end. */
  lifts(kind: ProtocolEventKind, direction: Direction): boolean;
};

/** Kinds read in one direction; `any` when a reader reads events without saying which. */
type Wanted = { every: Set<ProtocolEventKind>; first: Set<ProtocolEventKind>; any: boolean };

const wantedIn = (observers: readonly EngineObserver[], direction: Direction): Wanted => {
  const wanted: Wanted = { every: new Set(), first: new Set(), any: false };
  for (const observer of observers) {
    if (observer.onEvent === undefined) continue;
    const reads: readonly EventRead[] | undefined = observer.reads;
    if (reads === undefined) wanted.any = true;
    for (const read of reads ?? [])
      if (read.directions.includes(direction)) wanted[read.depth].add(read.kind);
  }
  return wanted;
};

const meets = (wanted: Set<ProtocolEventKind>, kinds: readonly ProtocolEventKind[] | undefined): boolean =>
  kinds === undefined ? wanted.size > 0 : kinds.some((kind) => wanted.has(kind));

const budgetOf = (protocol: Protocol, direction: Direction, wanted: Wanted, summaryBytes: number): number => {
  const kinds = protocolEventKinds[protocol.id]?.kinds;
  if (wanted.any || meets(wanted.every, kinds)) return Number.POSITIVE_INFINITY;
  const summary = protocol.summaryDirections;
  if (summary === undefined || summary.includes(direction) || meets(wanted.first, kinds)) return summaryBytes;
  return 0;
};

export const parseBudget = (observers: readonly EngineObserver[], summaryBytes: number): ParseBudget => {
  const toServer = wantedIn(observers, 'to-server');
  const toClient = wantedIn(observers, 'to-client');
  const cache = new Map<Protocol, readonly [number, number]>();
  return {
    of(protocol, direction) {
      let budgets = cache.get(protocol);
      if (budgets === undefined) {
        budgets = [
          budgetOf(protocol, 'to-server', toServer, summaryBytes),
          budgetOf(protocol, 'to-client', toClient, summaryBytes),
        ];
        cache.set(protocol, budgets);
      }
      return direction === 'to-server' ? budgets[0] : budgets[1];
    },
    lifts(kind, direction) {
      const wanted = direction === 'to-server' ? toServer : toClient;
      return wanted.any || wanted.every.has(kind);
    },
  };
};
