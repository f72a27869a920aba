/** What the engine's per-flow handlers share: the registry, observers, limits and counters. */
import type { EngineObserver } from '../engine-observer.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';
import type { EngineLimits } from './engine-limits.ts';
import type { ExpectedFlows } from './expected-flows.ts';
import type { ParseBudget } from './parse-budget.ts';

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
  /** How far each direction of a flow is parsed, from what the observers read. */
  budget: ParseBudget;
  limits: EngineLimits;
  counters: EngineCounters;
  /** Flows control connections announced (FTP data connections). */
  expected: ExpectedFlows;
  /** Trusted forwarding proxies, when some are configured: flow findings list the clients they name (ADR 31). */
  trustedProxies: TrustedProxies | undefined;
};
