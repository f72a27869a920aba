/**
 * What a SOCKS reply names besides its outcome (RFC 1928 §6-7; SOCKS 4's BIND the same way): the address a BIND
 * listens on or the peer that connected to it, and the UDP relay a UDP ASSOCIATE's datagrams go through, announced as
 * a coming flow (expected-flows.ts) read by socks-udp.ts.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { ExpectedFlowEvent } from '../events.ts';
import { canonicalAddress } from './canonical-address.ts';
import type { Address } from './socks-message.ts';

/** The commands whose replies say which they answer (a CONNECT's, the most common, say nothing more). */
const answered: Readonly<Record<number, string>> = { 2: 'BIND', 3: 'UDP-ASSOCIATE' };

/**
 * What a reply to a BIND or a UDP ASSOCIATE adds to its outcome, so that it is judged alone (threats/socks-proxy.ts):
 * the command it answers, and when granted the address it names: `bound=` where the proxy listens for the peer or
 * relays the datagrams, `peer=` in a BIND's second reply, the peer that connected (a refusal's address is filler).
 * `last`: the request's last reply (a BIND's second).
 */
export const boundDetail = (
  command: number | undefined,
  reply: Address & { granted: boolean },
  last: boolean,
): string => {
  const name = command === undefined ? undefined : answered[command];
  if (name === undefined) return '';
  if (!reply.granted) return ` command=${name}`;
  const label = command === 2 && last ? 'peer' : 'bound';
  return ` command=${name} ${label}=${reply.host.slice(0, 255)}:${reply.port}`;
};

/** An address the relay's flow can be matched on: a literal IP, not the "any" address (a name is not resolved). */
const relayIp = (host: string): string | undefined => {
  if (isIPv4(host)) return host === '0.0.0.0' ? undefined : host;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!isIPv6(bare)) return undefined;
  const ip = canonicalAddress(bare);
  return ip === '::' ? undefined : ip;
};

/**
 * The relay's flow: to BND.PORT on the proxy's side (at BND.ADDR too when it is another address), from the TCP
 * connection's client, over UDP. A zero port names no relay.
 */
export const relayAnnounced = (reply: Address, ts: number): ExpectedFlowEvent[] => {
  if (reply.port === 0) return [];
  const event: ExpectedFlowEvent = {
    kind: 'expected-flow',
    ts,
    direction: 'to-client',
    protocol: 'socks',
    listener: 'server',
    port: reply.port,
    transport: 'udp',
  };
  const ip = relayIp(reply.host);
  if (ip !== undefined) event.ip = ip;
  return [event];
};
