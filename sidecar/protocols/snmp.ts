/**
 * SNMP over UDP (RFC 3416 PDUs; versions 1, 2c and 3): each datagram one message. Every PDU is an operation event
 * (`GetRequest`, `Response`, `SNMPv2-Trap`...) whose detail gives the version, the first object identifier, and for
 * versions 1 and 2c whether a community string was sent: the community's value is named only when it is a well-known
 * default (`public`, `private`), never otherwise. Version 3 with privacy is encrypted: only its header is read.
 *
 * Community guessing (onesixtyone, nmap's snmp-brute, hydra's snmp module) sends requests with many communities from
 * one socket; an agent answers the right one and drops the rest without a word. So when a flow's requests carried two
 * or more communities, its end tells a login per community: in when one of the agent's Responses carried it, refused
 * when none did (`db-auth`, for `db-auth-brute-force`). A poller with one community, answered or not, tells none.
 * Version 3 refuses out loud: a Report of usmStatsWrongDigests (wrong key) or usmStatsUnknownUserNames is a refused
 * login of the user it names, told at once.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import { readTlv } from './ldap-ber.ts';
import type { Detection, Protocol } from './protocol.ts';
import { readSnmpMessage, type SnmpMessage } from './snmp-message.ts';

/** Communities every SNMP agent ships with and every scanner tries first. */
export const defaultCommunities = new Set(['public', 'private']);

/** The detail of a message's event: `version=2c community=public oid=1.3.6.1.2.1.1.5.0`. */
export const snmpDetail = (m: SnmpMessage): string => {
  const parts = [`version=${m.version}`];
  if (m.community !== undefined)
    parts.push(defaultCommunities.has(m.community) ? `community=${m.community}` : 'community=(set)');
  if (m.encrypted) parts.push('encrypted');
  if (m.errorStatus !== undefined && m.errorStatus > 0 && m.pdu === 'Response')
    parts.push(`error=${m.errorStatus}`);
  if (m.oids[0] !== undefined) parts.push(`oid=${m.oids[0]}`);
  return parts.join(' ');
};

const detectSnmp = (b: Uint8Array): Detection => {
  if (b[0] !== 0x30) return 'no-match';
  if (readSnmpMessage(b) !== undefined) return 'match';
  // A header cut short, or one saying the message goes on past these octets (a datagram cut by the snap length).
  const outer = readTlv(b, 0);
  return outer === 'need-more' || (outer !== 'bad' && outer.end > b.length) ? 'need-more' : 'no-match';
};

/** USM's counters a Report names when it refuses a request (RFC 3414 section 5): unknown user, wrong digest. */
const refusals = new Set(['1.3.6.1.6.3.15.1.1.3.0', '1.3.6.1.6.3.15.1.1.5.0']);

/** Requests that ask an agent for something with a community: the ones a guesser sends. */
const requests = new Set(['GetRequest', 'GetNextRequest', 'GetBulkRequest', 'SetRequest']);
/** Communities remembered per flow. */
const maxCommunities = 256;

const createSnmpParser = () => {
  /** Each community the client's requests carried: when first, and whether a Response carried it back. */
  const communities = new Map<string, { ts: number; answered: boolean }>();
  const note = (m: SnmpMessage, direction: Direction, ts: number): void => {
    if (m.community === undefined || m.pdu === undefined) return;
    const known = communities.get(m.community);
    if (direction === 'to-client' && m.pdu === 'Response') {
      if (known !== undefined) known.answered = true;
    } else if (direction === 'to-server' && requests.has(m.pdu) && known === undefined)
      if (communities.size < maxCommunities) communities.set(m.community, { ts, answered: false });
  };
  return {
    parse(datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const m = readSnmpMessage(datagram);
      if (m === undefined) return [];
      note(m, direction, ts);
      const event = operationEvent('snmp', ts, m.pdu ?? 'encrypted-pdu', snmpDetail(m), direction);
      const refused = direction === 'to-client' && m.pdu === 'Report' && refusals.has(m.oids[0] ?? '');
      return refused ? [event, loginEvent('snmp', ts, false, m.user ?? '')] : [event];
    },
    gap(): void {},
    end(): ProtocolEvent[] {
      if (communities.size < 2) return [];
      return [...communities.values()].map((c) => loginEvent('snmp', c.ts, c.answered, ''));
    },
  };
};

export const snmp: Protocol = {
  id: 'snmp',
  transport: 'udp',
  ports: [161, 162],
  encrypted: false,
  detect: detectSnmp,
  createParser: createSnmpParser,
};
