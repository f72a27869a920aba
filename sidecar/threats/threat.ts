/** The threat seam: a detector reads typed events (or packet summaries) and returns findings. */
import type { z } from 'zod';
import type { Endpoint, Severity } from '#core/finding.ts';
import type { ProtocolId, Transport } from '#core/protocol-id.ts';
import type { ProtocolEvent, ProtocolEventKind } from '../events.ts';

/** Packet-level facts for volumetric and reconnaissance detectors (no payload bytes). */
export type PacketEvent = {
  kind: 'packet';
  ts: number;
  transport: Transport;
  src: Endpoint;
  dst: Endpoint;
  /** TCP flags as a bit set (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, URG=32). */
  tcpFlags?: number;
  payloadLength: number;
  ipLength: number;
  icmpType?: number;
  /** IP fragment facts when the packet was a fragment. */
  fragment?: { offset: number; more: boolean; overlap: boolean };
};

export type FlowContext = {
  transport: Transport;
  client: Endpoint;
  server: Endpoint;
  protocol: ProtocolId;
  /** What the learned rules or the port say this flow should be, when known. */
  expectedProtocol?: ProtocolId;
};

/** A detector's raw result; the engine turns it into a core ThreatFinding and suppresses duplicates. */
export type ThreatHit = {
  threat: string;
  severity: Severity;
  confidence: number;
  evidence: string;
  ts: number;
  /** How many occurrences this hit stands for (an episode of a flood). */
  count?: number;
  /** Override the flow's endpoints (e.g. a scan's source and a representative target). */
  client?: Endpoint;
  server?: Endpoint;
};

export type Threat<Config extends z.ZodType = z.ZodType, State = unknown> = {
  id: string;
  on: readonly (ProtocolEventKind | 'packet')[];
  config: Config;
  /** Creates the detector's state: per flow for event detectors, global for packet detectors. */
  initialState(): State;
  scope: 'flow' | 'global';
  inspect(
    event: ProtocolEvent | PacketEvent,
    state: State,
    context: { flow?: FlowContext; config: z.infer<Config> },
  ): ThreatHit[];
};
