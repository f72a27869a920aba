/**
 * A SOCKS proxy relaying a connection (MITRE ATT&CK T1090, proxy): what an attacker runs in a compromised pod to
 * reach the rest of the cluster through it (chisel, ligolo-ng, gost, `ssh -D`, an implant's SOCKS module), or what
 * a workload uses to hide where it goes. Judged on the proxy's answer: one finding per connection it agreed to
 * relay, naming the target the client asked for (a refused login or request relays nothing); a team's sanctioned
 * egress proxies go in `allowServers`.
 */
import { operationStory } from './operation-story.ts';

/** socks.ts's reply detail when the proxy agreed: `succeeded version=5 target=host:port` (`granted` in version 4). */
const agreed = /^(?:succeeded|granted) version=(4|5) target=(\S+)/;

export const socksProxy = operationStory({
  id: 'socks-proxy',
  protocol: 'socks',
  severity: 'medium',
  story(event) {
    const reply = event.operation === 'reply' ? agreed.exec(event.detail ?? '') : null;
    if (reply === null) return undefined;
    return {
      evidence: `a SOCKS${reply[1]} proxy relayed a connection to ${reply[2]?.slice(0, 270)}`,
      confidence: 1,
    };
  },
});
