/**
 * SIP parsers (RFC 3261 §18): over UDP a message per datagram, over TCP messages back to back, each ended by its
 * Content-Length (§18.3), CRLF keep-alives between them passed over (RFC 5626 §3.5.1). A message is read from its
 * first 64 KiB. Each is an operation event (its method, or a response's `401 Unauthorized`) carrying its parties
 * (sip-facts.ts), a response paired with its request by Call-ID and CSeq. A request carrying digest credentials
 * answered 2xx, or 401, 407 or 403, is a db-auth event (dialect `sip`), for db-auth-brute-force.
 */
import type { DbAuthEvent, Direction, OperationEvent, ProtocolEvent, SipFacts } from '../events.ts';
import { createFramedParser } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { type SipHeadFacts, sipHeadFacts } from './sip-facts.ts';
import { headEnd, maxSipHead, readSipHead, type SipHead } from './sip-head.ts';

/** Requests a flow keeps waiting for their answers; past it the oldest is dropped. */
const maxPending = 256;
const refusals: ReadonlySet<number> = new Set([401, 403, 407]);

type Asked = { toUser?: string; agent?: string; authorized: boolean; authUser?: string; algorithm?: string };
type Pending = Map<string, Asked>;

const other = (direction: Direction): Direction => (direction === 'to-server' ? 'to-client' : 'to-server');

const factsOf = (facts: SipHeadFacts, head: SipHead): SipFacts => {
  const sip: SipFacts = { method: facts.method };
  if (head.start.kind === 'response') sip.status = head.start.status;
  if (facts.toUser !== undefined) sip.toUser = facts.toUser;
  if (facts.fromUser !== undefined) sip.fromUser = facts.fromUser;
  if (facts.agent !== undefined) sip.agent = facts.agent;
  if (facts.auth?.user !== undefined) sip.authUser = facts.auth.user;
  if (facts.auth?.realm !== undefined) sip.realm = facts.auth.realm;
  return sip;
};

const detailOf = (sip: SipFacts, contact: string | undefined): string => {
  const parts: string[] = [];
  if (sip.status !== undefined && sip.method !== '') parts.push(`cseq ${sip.method}`);
  if (sip.toUser !== undefined) parts.push(`to ${sip.toUser}`);
  if (sip.fromUser !== undefined) parts.push(`from ${sip.fromUser}`);
  if (sip.authUser !== undefined) parts.push(`user ${sip.authUser}`);
  if (sip.realm !== undefined) parts.push(`realm ${sip.realm}`);
  if (contact !== undefined) parts.push(`contact ${contact}`);
  if (sip.agent !== undefined) parts.push(`agent ${sip.agent}`);
  return parts.join(', ');
};

const remember = (pending: Pending, key: string, facts: SipHeadFacts): void => {
  const asked: Asked = { authorized: facts.auth !== undefined };
  if (facts.toUser !== undefined) asked.toUser = facts.toUser;
  if (facts.agent !== undefined) asked.agent = facts.agent;
  if (facts.auth?.user !== undefined) asked.authUser = facts.auth.user;
  if (facts.auth?.algorithm !== undefined) asked.algorithm = facts.auth.algorithm;
  pending.delete(key);
  if (pending.size >= maxPending) pending.delete(pending.keys().next().value as string);
  pending.set(key, asked);
};

/** A final answer to a request that carried credentials: the login's outcome, when the status says one. */
const loginOf = (asked: Asked, status: number, reason: string, at: OperationEvent): DbAuthEvent[] => {
  const ok = status >= 200 && status < 300;
  if (!asked.authorized || !(ok || refusals.has(status))) return [];
  const event: DbAuthEvent = { kind: 'db-auth', ts: at.ts, direction: at.direction, dialect: 'sip', ok };
  if (asked.authUser !== undefined) event.user = asked.authUser;
  if (!ok) event.message = `${status} ${reason}`;
  // Digest (RFC 3261 §22.4, RFC 8760): MD5 when the algorithm is not named.
  event.method = asked.algorithm === undefined || /^md5/i.test(asked.algorithm) ? 'md5' : 'other';
  return [event];
};

/** One message's events; `pending` holds the flow's requests until their final answers. */
export const sipMessage = (
  pending: Pending,
  head: SipHead,
  direction: Direction,
  ts: number,
): ProtocolEvent[] => {
  const facts = sipHeadFacts(head);
  const sip = factsOf(facts, head);
  const start = head.start;
  const operation = start.kind === 'request' ? start.method : `${start.status} ${start.reason}`.trimEnd();
  const event: OperationEvent = {
    kind: 'operation',
    ts,
    direction,
    protocol: 'sip',
    operation: operation.slice(0, 96),
  };
  const detail = detailOf(sip, facts.contact);
  if (detail !== '') event.detail = detail;
  event.sip = sip;
  if (start.kind === 'request') {
    // ACK ends an INVITE transaction and is never answered (§17.1.1.3).
    if (start.method !== 'ACK') remember(pending, `${direction} ${facts.key}`, facts);
    return [event];
  }
  const key = `${other(direction)} ${facts.key}`;
  const asked = pending.get(key);
  if (asked === undefined) return [event];
  const answers: NonNullable<SipFacts['answers']> = { authorized: asked.authorized };
  if (asked.toUser !== undefined) answers.toUser = asked.toUser;
  if (asked.agent !== undefined) answers.agent = asked.agent;
  sip.answers = answers;
  if (start.status < 200) return [event];
  pending.delete(key);
  return [event, ...loginOf(asked, start.status, start.reason, event)];
};

/** CR and LF octets at the start: keep-alives, or the CRLFs a stream may carry before a message (§7.5). */
const eolsAt = (b: Uint8Array, from = 0): number => {
  let at = from;
  while (at < b.length && (b[at] === 0x0d || b[at] === 0x0a)) at++;
  return at - from;
};

/** §18.3: one message per datagram; a datagram that is no SIP message is passed over. */
export const createSipDatagramParser = (): ProtocolParser => {
  const pending: Pending = new Map();
  return {
    parse(datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const head = readSipHead(datagram, eolsAt(datagram));
      return typeof head === 'string' ? [] : sipMessage(pending, head, direction, ts);
    },
    gap(): void {},
  };
};

/** A message's length at the start of a stream's buffer: its head and Content-Length (0 when it has none). */
const frameLength = (b: Uint8Array): number => {
  const eols = eolsAt(b);
  if (eols > 0) return eols;
  if (headEnd(b) < 0) return b.length >= maxSipHead ? -1 : 0;
  const head = readSipHead(b);
  if (typeof head === 'string') return -1;
  return head.bodyStart + (head.contentLength ?? 0);
};

export const createSipStreamParser = (): ProtocolParser => {
  const pending: Pending = new Map();
  return createFramedParser({
    frame: frameLength,
    message(m, ctx) {
      if (m[0] === 0x0d || m[0] === 0x0a) return [];
      const head = readSipHead(m);
      return typeof head === 'string' ? [] : sipMessage(pending, head, ctx.direction, ctx.ts);
    },
  });
};
