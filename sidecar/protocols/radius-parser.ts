/**
 * Reads a RADIUS flow (one client port and one server port: RFC 2865 section 3) datagram by datagram. Each packet is
 * an operation (`Access-Request`, `Access-Accept`, `Accounting-Request start`, `CoA-NAK`...) whose detail gives the
 * identifier, the user (shortened: radius-attributes.ts), the NAS, the calling station, the method, whether a
 * Message-Authenticator came, the Proxy-State count and a Reply-Message. A response is paired with the request of its
 * identifier (RFC 2865 section 5: the identifier matches a reply to its request on one client port), and names it; an
 * Access-Request answered by an Access-Accept or Access-Reject is a login (`db-auth`, dialect `radius`), never with
 * the password; an answer to an Access-Request carries `radiusAnswer` for `radius-blast`. A datagram that is no
 * RADIUS packet, and a response the flow's client sent, are passed over.
 */
import type { DbAuthEvent, Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import type { ProtocolParser } from './protocol.ts';
import { type RadiusFacts, radiusFacts } from './radius-attributes.ts';
import { type RadiusPacket, readRadiusPacket } from './radius-packet.ts';

/** A request waiting for its answer: what pairing needs of it. */
type Asked = { name: string; method: string; eap: boolean; authenticator: boolean; user: string };

const quoted = (text: string): string => JSON.stringify(text);

/** The detail's fields in a fixed order, the texts a sender chose (quoted) after the facts the tap decides. */
const detailOf = (p: RadiusPacket, f: RadiusFacts, asked: Asked | undefined): string => {
  const parts = [`id=${p.identifier}`];
  if (asked !== undefined) parts.push(`answers=${asked.name}`);
  const method = f.method ?? asked?.method;
  if (method !== undefined && method !== 'none') parts.push(`auth=${method}`);
  parts.push(`message-authenticator=${f.messageAuthenticator ? 'yes' : 'no'}`);
  if (f.proxyStates > 0) parts.push(`proxy-state=${f.proxyStates}`);
  if (f.user !== undefined) parts.push(`user=${quoted(f.user)}`);
  if (f.nasIp !== undefined) parts.push(`nas-ip=${f.nasIp}`);
  if (f.nasId !== undefined) parts.push(`nas-id=${quoted(f.nasId)}`);
  if (f.calling !== undefined) parts.push(`calling=${quoted(f.calling)}`);
  if (f.reply !== undefined) parts.push(`reply=${quoted(f.reply)}`);
  return parts.join(' ');
};

const nameOf = (p: RadiusPacket, f: RadiusFacts): string =>
  p.code === 4 && f.status !== undefined ? `${p.name} ${f.status}` : p.name;

/** Answers to an Access-Request (RFC 2865 section 4): the final two are a login's outcome. */
const accessAnswers = new Set([2, 3, 11]);

/** Requests waiting for an answer, per flow: a client has 256 identifiers per port. */
const maxWaiting = 256;

const answerEvents = (p: RadiusPacket, f: RadiusFacts, asked: Asked, event: OperationEvent, ts: number) => {
  if (asked.name !== 'Access-Request' || !accessAnswers.has(p.code)) return [event];
  event.radiusAnswer = {
    answer: p.name,
    method: asked.method,
    eap: asked.eap,
    requestAuthenticator: asked.authenticator,
    responseAuthenticator: f.messageAuthenticator,
  };
  if (p.code === 11) return [event];
  const method: DbAuthEvent['method'] = asked.method === 'chap' ? 'md5' : 'other';
  return [event, loginEvent('radius', ts, p.code === 2, asked.user, method)];
};

export const createRadiusParser = (): ProtocolParser => {
  const waiting = new Map<number, Asked>();
  const request = (p: RadiusPacket, f: RadiusFacts, ts: number): ProtocolEvent[] => {
    if (waiting.size >= maxWaiting && !waiting.has(p.identifier)) waiting.clear();
    const method = f.method ?? 'none';
    const user = f.fullUser ?? '';
    waiting.set(p.identifier, {
      name: p.name,
      method,
      eap: f.eap,
      authenticator: f.messageAuthenticator,
      user,
    });
    return [operationEvent('radius', ts, nameOf(p, f), detailOf(p, f, undefined))];
  };
  const response = (p: RadiusPacket, f: RadiusFacts, ts: number): ProtocolEvent[] => {
    const asked = waiting.get(p.identifier);
    const event = operationEvent('radius', ts, nameOf(p, f), detailOf(p, f, asked), 'to-client');
    if (asked === undefined) return [event];
    // Answered: a copy the server sends again is not a second login.
    waiting.delete(p.identifier);
    return answerEvents(p, f, asked, event, ts);
  };
  return {
    parse(datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const p = readRadiusPacket(datagram);
      if (p === undefined || p.request !== (direction === 'to-server')) return [];
      const f = radiusFacts(p.attributes);
      return p.request ? request(p, f, ts) : response(p, f, ts);
    },
    gap(): void {},
  };
};
