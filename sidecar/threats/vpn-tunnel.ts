/**
 * A pod opening a VPN (MITRE ATT&CK T1572, protocol tunneling; T1133, external remote services): WireGuard, OpenVPN
 * or IPsec (its key exchange, IKE), as client or server. Whatever goes through the tunnel is out of sight of
 * NetworkPolicy, the mesh's authorization and every other detector: an attacker's way out of a locked-down namespace,
 * or a workload nobody approved. The company's own gateways go in `allowServers`.
 *
 * One finding per flow: a VPN keeps one flow per client and server (WireGuard one UDP socket, OpenVPN one socket per
 * session, IKE one per port: 500, then 4500 under NAT traversal), so a flow is a client–server pair, and a
 * reconnection from a new port is worth a finding of its own. IPsec's weak suites and IKEv1 aggressive mode with a
 * pre-shared key are told in its evidence (ike-stories.ts), not as findings of their own: they are this tunnel's.
 * Stateless: the parsers tell the story (vpn-stories.ts, ike-stories.ts); an answered handshake is surer than an unanswered one, and
 * the flow's end, naming what went through, is the surest. A team that wants SSH reported too lists `ssh` in
 * unsafe-protocol: an SSH session is not a tunnel by itself, and its port forwards are encrypted.
 */
import { z } from 'zod';
import { readsEvery } from '../engine/event-read.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { ikeStory } from './ike-stories.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { vpnStory } from './vpn-stories.ts';

const tunnels = ['wireguard', 'openvpn', 'ike'] as const;

const config = detectorConfig('high', {
  /** The VPN protocols reported. */
  protocols: z.array(z.enum(tunnels)).default([...tunnels]),
  /** The company's own VPN gateways: an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowServers: allowList(),
});

export const vpnTunnel: Threat<typeof config, undefined> = {
  id: 'vpn-tunnel',
  on: ['operation'],
  // Every one, both ways: a tunnel's end names its traffic, and a rekey hours in is a handshake too. Only these
  // protocols' flows are parsed to their end for it, and their parsers count datagrams, they keep none.
  reads: [{ ...readsEvery('operation'), protocols: tunnels }],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || flow === undefined) return noHits;
    const protocol = event.protocol;
    if (protocol !== 'wireguard' && protocol !== 'openvpn' && protocol !== 'ike') return noHits;
    if (!c.protocols.includes(protocol) || isAllowedServer(flow.server, c.allowServers)) return noHits;
    const story = protocol === 'ike' ? ikeStory(event, flow) : vpnStory(event, flow);
    return story === undefined
      ? noHits
      : [{ threat: 'vpn-tunnel', severity: c.severity, ...story, ts: event.ts }];
  },
};
