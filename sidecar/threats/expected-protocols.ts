/** What a flow should carry: the protocol its learned rule names, else the protocols that declare its server port. */
import type { ProtocolId, Transport } from '#core/protocol-id.ts';
import { protocols } from '../protocols/index.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { FlowContext } from './threat.ts';

export type Expectation = { protocols: readonly ProtocolId[]; source: 'rule' | 'port' };

const key = (transport: Transport, port: number): string => `${transport}/${port}`;

/** `tcp/80` → http, http2: every protocol that declares the port for that transport (a hint, as the seam says). */
export const portHints = (list: readonly Protocol[]): ReadonlyMap<string, readonly ProtocolId[]> => {
  const hints = new Map<string, ProtocolId[]>();
  for (const protocol of list) {
    const transports: Transport[] = protocol.transport === 'both' ? ['tcp', 'udp'] : [protocol.transport];
    for (const transport of transports)
      for (const port of protocol.ports)
        hints.set(key(transport, port), [...(hints.get(key(transport, port)) ?? []), protocol.id]);
  }
  return hints;
};

const registered = portHints(protocols);

/** The learned rule wins; the port is used only when `usePorts` and only for ports some protocol declares. */
export const expectationOf = (
  flow: FlowContext,
  usePorts: boolean,
  hints: ReadonlyMap<string, readonly ProtocolId[]> = registered,
): Expectation | undefined => {
  if (flow.expectedProtocol !== undefined) return { protocols: [flow.expectedProtocol], source: 'rule' };
  if (!usePorts) return undefined;
  const byPort = hints.get(key(flow.transport, flow.server.port));
  return byPort === undefined ? undefined : { protocols: byPort, source: 'port' };
};
