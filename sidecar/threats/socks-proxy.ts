/**
 * A SOCKS proxy relaying a connection (MITRE ATT&CK T1090, proxy): what an attacker runs in a compromised pod to
 * reach the rest of the cluster through it (chisel, ligolo-ng, gost, `ssh -D`, an implant's SOCKS module), or what
 * a workload uses to hide where it goes. Judged on the proxy's answer: one finding per connection it agreed to
 * relay, naming the target the client asked for; a UDP ASSOCIATE as the relay it opened, and on the relay's own flow
 * each destination its datagrams went to or came from; a BIND once, when the peer connected back through it (a BIND
 * no peer answers relays nothing, nor does a refused login or request). A team's sanctioned egress proxies go in
 * `allowServers`.
 */
import type { OperationEvent } from '../events.ts';
import { operationStory, type Story } from './operation-story.ts';

/**
 * socks.ts's reply detail when the proxy agreed: `succeeded version=5 target=host:port` (`granted` in version 4),
 * then for a BIND or UDP ASSOCIATE `command=NAME` and `bound=host:port` (`peer=host:port` in a BIND's second reply).
 */
const agreed = /^(?:succeeded|granted) version=(4|5) target=(\S+)(?: command=(\S+) (bound|peer)=(\S+))?/;

/** socks-udp.ts's operation for each destination a relay's datagrams name: `relay host:port` (once each). */
const relayed = /^relay (\S+)$/;

const clip = (text: string | undefined): string => (text ?? '').slice(0, 270);

const reply = (event: OperationEvent): Story | undefined => {
  const [, version, target, command, label, address] = agreed.exec(event.detail ?? '') ?? [];
  if (version === undefined) return undefined;
  if (command === undefined)
    return { evidence: `a SOCKS${version} proxy relayed a connection to ${clip(target)}`, confidence: 1 };
  if (command === 'UDP-ASSOCIATE')
    return { evidence: `a SOCKS${version} proxy opened a UDP relay at ${clip(address)}`, confidence: 1 };
  // A BIND's first reply says where the proxy listens; its second, the peer that connected: told once, then.
  if (command !== 'BIND' || label !== 'peer') return undefined;
  return {
    evidence: `a SOCKS${version} BIND: the proxy accepted a reverse connection from ${clip(address)} (the client awaited ${clip(target)})`,
    confidence: 1,
  };
};

/** A relay's datagrams to a destination (the client's), or from one (the relay's: an answer). */
const relay = (event: OperationEvent): Story | undefined => {
  const destination = relayed.exec(event.operation)?.[1];
  const many =
    event.operation === 'relay' ? /^more than (\d+) targets$/.exec(event.detail ?? '')?.[1] : undefined;
  if (destination === undefined && many === undefined) return undefined;
  const where = destination === undefined ? `more than ${many} destinations` : clip(destination);
  const way = event.direction === 'to-server' ? 'to' : 'from';
  return { evidence: `a SOCKS5 UDP relay carried datagrams ${way} ${where}`, confidence: 1 };
};

export const socksProxy = operationStory({
  id: 'socks-proxy',
  protocol: 'socks',
  severity: 'medium',
  story: (event) => (event.operation === 'reply' ? reply(event) : relay(event)),
});
