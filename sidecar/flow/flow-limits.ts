/** Bounds of the flow table: how many flows, and how long (in capture time) each may live or stay idle. */

export type FlowLimits = {
  maxFlows: number;
  idleTcpMs: number;
  idleUdpMs: number;
  idleOtherMs: number;
  /** A closed TCP flow stays this long for the last ACKs and retransmitted FINs. */
  closedLingerMs: number;
  /** A flow older than this is reported and started afresh (long-lived connections still report). */
  maxLifetimeMs: number;
};

export const defaultFlowLimits: FlowLimits = {
  maxFlows: 65_536,
  idleTcpMs: 300_000,
  idleUdpMs: 60_000,
  idleOtherMs: 60_000,
  closedLingerMs: 5_000,
  maxLifetimeMs: 3_600_000,
};
