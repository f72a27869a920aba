/**
 * Kerberos 5 (RFC 4120) to a KDC, over UDP (one message a datagram) or TCP (each message after a 4-octet length,
 * §7.2.2): requests and replies as operation events with the client and service principals, errors with their code,
 * and the outcome of a password login (an AS exchange: AS-REP in, a refusal of the password or account out:
 * kerberos-errors.ts) as a `db-auth` event, so that password spraying and guessing against a KDC are counted; an
 * error that says nothing about the password (PREAUTH_REQUIRED, SKEW...) ends the exchange without one. Tickets and
 * encrypted parts are not opened.
 */
import type { DbAuthEvent, Direction, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import { createFramedParser } from './framed-parser.ts';
import { kerberosErrorName, refusesLogin } from './kerberos-errors.ts';
import { type KerberosMessage, kerberosMessages, readKerberosMessage } from './kerberos-messages.ts';
import { readTlv } from './ldap-ber.ts';
import type { Detection, Protocol } from './protocol.ts';
import { u32be } from './wire-bytes.ts';

/** Messages this large are not Kerberos' (a ticket with a big PAC is a few tens of KiB). */
const maxMessage = 1 << 20;
const isMessageTag = (octet: number | undefined): boolean =>
  octet !== undefined && kerberosMessages[octet] !== undefined;

/** One message (the whole of `b`): `match` when it reads, `need-more` while its DER header says more is coming. */
const detectMessage = (b: Uint8Array): Detection => {
  if (!isMessageTag(b[0])) return 'no-match';
  const outer = readTlv(b, 0);
  if (outer === 'need-more') return 'need-more';
  if (outer === 'bad' || outer.end - outer.start > maxMessage) return 'no-match';
  if (outer.end > b.length) return 'need-more';
  return outer.end === b.length && readKerberosMessage(b) !== undefined ? 'match' : 'no-match';
};

/** TCP: the record length (high bit reserved, so the first octet is 0 for any real message), then the message. */
const detectRecord = (b: Uint8Array): Detection => {
  if (b.length < 4) return b.every((octet, i) => i > 0 || octet === 0) ? 'need-more' : 'no-match';
  const length = u32be(b, 0);
  if (length < 16 || length > maxMessage) return 'no-match';
  const verdict = detectMessage(b.subarray(4, 4 + length));
  // A message read whole is the proof; one cut short must at least say the length the record said.
  if (verdict !== 'need-more' || b.length >= 4 + length) return verdict;
  const outer = readTlv(b, 4);
  return typeof outer === 'object' && outer.end !== 4 + length ? 'no-match' : 'need-more';
};

const detectKerberos = (b: Uint8Array): Detection => (b[0] === 0 ? detectRecord(b) : detectMessage(b));

const detailOf = (m: KerberosMessage): string => {
  if (m.error !== undefined) return `error=${m.error} ${kerberosErrorName(m.error)}`;
  const client = m.client === undefined ? [] : [`client=${m.client}`];
  const service = m.service === undefined ? [] : [`service=${m.service}`];
  const etypes = m.etypes === undefined || m.etypes.length === 0 ? [] : [`etypes=${m.etypes.join(',')}`];
  return [...client, ...service, ...etypes].join(' ');
};

const createKerberosParser = () => {
  /** The client of the last AS-REQ: a password login, whose answer says how it went. */
  let asClient: string | undefined;

  /** The last AS-REQ proved the password (pre-authentication); an AS-REP to one that did not is crackable offline. */
  let asPreauth = true;

  const events = (bytes: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const m = readKerberosMessage(bytes);
    if (m === undefined) return [];
    // AS-REP roasting's prize: the reply's encrypted part, made with the user's key, handed to anyone who asked.
    const unproven = m.name === 'AS-REP' && !asPreauth ? ' without-preauth' : '';
    const out: ProtocolEvent[] = [
      operationEvent('kerberos', ts, m.name, `${detailOf(m)}${unproven}`, direction),
    ];
    if (m.name === 'AS-REQ') [asClient, asPreauth] = [m.client, m.preauth ?? true];
    // A TGS request's answer is not a password login's.
    if (m.name === 'TGS-REQ') asClient = undefined;
    const login = loginAfter(m, ts);
    if (login !== undefined) out.push(login);
    return out;
  };

  /**
   * The answer to a password login (an AS exchange): in with an AS-REP, out with a refusal. Any other error ends the
   * exchange untold: the client's next AS-REQ (with pre-authentication, or its clock set right) starts another.
   */
  const loginAfter = (m: KerberosMessage, ts: number): DbAuthEvent | undefined => {
    const client = asClient;
    if (client === undefined || (m.name !== 'AS-REP' && m.error === undefined)) return undefined;
    asClient = undefined;
    if (m.error !== undefined && !refusesLogin(m.error)) return undefined;
    const event = loginEvent('kerberos', ts, m.name === 'AS-REP', m.client ?? client);
    if (m.error !== undefined) event.message = kerberosErrorName(m.error);
    return event;
  };

  const stream = createFramedParser({
    frame: (buf) => {
      if (buf.length < 4) return 0;
      const length = u32be(buf, 0);
      if (length < 16 || length > maxMessage) return -1;
      // The whole length at once: the framed parser then waits for it without joining each chunk.
      return 4 + length;
    },
    message: (m, ctx) => events(m.subarray(4), ctx.direction, ctx.ts),
  });
  let framing: 'datagram' | 'stream' | undefined;

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      // A TCP record starts with its length's high octet (0); a datagram with the message's APPLICATION tag.
      framing ??= chunk[0] === 0 ? 'stream' : 'datagram';
      return framing === 'stream' ? stream.parse(chunk, direction, ts) : events(chunk, direction, ts);
    },
    gap(direction: Direction, lost?: number): void {
      if (framing === 'stream') stream.gap(direction, lost);
    },
  };
};

export const kerberos: Protocol = {
  id: 'kerberos',
  transport: 'both',
  ports: [88],
  encrypted: false,
  detect: (bytes) => detectKerberos(bytes),
  createParser: createKerberosParser,
};
