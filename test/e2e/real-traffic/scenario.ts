/** What one real-traffic scenario declares: its server, its client, and what the flow must be identified as. */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Netns } from '#test/helpers/netns.ts';

export type Scenario = {
  name: string;
  protocol: ProtocolId;
  transport: 'tcp' | 'udp';
  port: number;
  /** The port's usual protocol: what a port-based guess would say. */
  portBelongsTo: string;
  commands: string[];
  start(ns: Netns, dir: string): Promise<void>;
  client(ns: Netns, dir: string): void;
  /** Optional extra checks on the flow's layer-7 summary. */
  sni?: string;
  operations?: string[];
};
