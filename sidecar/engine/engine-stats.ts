/** The engine's counters, for the CLI, the tap's heartbeat and the benchmark. */

export type EngineStats = {
  packets: number;
  /** Captured bytes read (frame bytes as stored in the capture). */
  bytes: number;
  /** Decode outcomes by name: ok, fragment, truncated-ip, malformed-tcp, not-ip, ... */
  decode: Record<string, number>;
  flows: { active: number; created: number; evicted: number; ended: number };
  findings: { emitted: number; dropped: number };
  events: number;
  parserErrors: number;
  observerErrors: number;
  fragments: { pending: number; dropped: number };
  heldBytes: number;
};
