/** What the engine's per-flow handlers share: the registry, observers, limits and counters. */
import type { EngineObserver } from '../engine-observer.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { EngineLimits } from './engine-limits.ts';

export type EngineCounters = {
  /** Layer-7 events parsers emitted. */
  events: number;
  /** Parsers or detectors that threw (a bug in them): their flow stopped parsing. */
  parserErrors: number;
  /** Observers that threw on an event or packet. */
  observerErrors: number;
  /** Out-of-order bytes held right now across all flows. */
  heldBytes: number;
};

export type EngineContext = {
  protocols: readonly Protocol[];
  observers: readonly EngineObserver[];
  /** Some observer reads layer-7 events: parsers run on every byte (no `summaryBytes` bound). */
  eventsWanted: boolean;
  limits: EngineLimits;
  counters: EngineCounters;
};
