/**
 * A detector that reads one protocol's operation events and tells a session's story (socks-proxy, irc-c2,
 * reverse-shell): stateless, each telling step a hit, the runner merging a flow's hits into one finding whose story is
 * the surest hit's; servers a team runs on purpose go in `allowServers` (an address, address:port, CIDR or CIDR:port).
 */
import type { Severity } from '#core/finding.ts';
import type { ProtocolId } from '#core/protocol-id.ts';
import { readsFirst } from '../engine/event-read.ts';
import type { OperationEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

export type Story = { evidence: string; confidence: number };

const configOf = (severity: Severity) =>
  detectorConfig(severity, {
    /** Servers meant to be used this way: an address, or address:port. */
    allowServers: allowList(),
  });

export const operationStory = (spec: {
  id: string;
  protocol: ProtocolId;
  severity: Severity;
  story: (event: OperationEvent) => Story | undefined;
}): Threat<ReturnType<typeof configOf>, undefined> => ({
  id: spec.id,
  on: ['operation'],
  // Both directions: a reply's or a command's story may need what the other side said before it.
  reads: [{ ...readsFirst('operation'), protocols: [spec.protocol] }],
  config: configOf(spec.severity),
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== spec.protocol) return noHits;
    if (isAllowedServer(flow?.server, c.allowServers)) return noHits;
    const found = spec.story(event);
    return found === undefined ? noHits : [{ threat: spec.id, severity: c.severity, ...found, ts: event.ts }];
  },
});
