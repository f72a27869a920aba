/**
 * A SOCKS proxy relaying a connection (MITRE ATT&CK T1090, proxy): what an attacker runs in a compromised pod to
 * reach the rest of the cluster through it (chisel, ligolo-ng, gost, `ssh -D`, an implant's SOCKS module), or what
 * a workload uses to hide where it goes. Judged on the proxy's answer: one finding per connection it agreed to
 * relay, naming the target the client asked for (a refused login or request relays nothing); a team's sanctioned
 * egress proxies go in `allowProxies`.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import { isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Proxies that are meant to be used: an address, or address:port. */
  allowProxies: z.array(z.string()).default([]),
});

/** socks.ts's reply detail when the proxy agreed: `succeeded version=5 target=host:port` (`granted` in version 4). */
const agreed = /^(?:succeeded|granted) version=(4|5) target=(\S+)/;

export const socksProxy: Threat<typeof config, undefined> = {
  id: 'socks-proxy',
  on: ['operation'],
  // Both directions: the reply names the target only when the request before it was read.
  reads: [{ ...readsFirst('operation'), protocols: ['socks'] }],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'socks' || event.operation !== 'reply')
      return noHits;
    const reply = agreed.exec(event.detail ?? '');
    if (reply === null || isAllowedServer(flow?.server, c.allowProxies)) return noHits;
    const evidence = `a SOCKS${reply[1]} proxy relayed a connection to ${reply[2]?.slice(0, 270)}`;
    return [{ threat: 'socks-proxy', severity: c.severity, confidence: 1, evidence, ts: event.ts }];
  },
};
