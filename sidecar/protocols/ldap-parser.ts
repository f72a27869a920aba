/** Streaming LDAP parser: one `operation` event per request or result, with the DN or result code as detail. */
import type { DbAuthEvent, ProtocolEvent } from '../events.ts';
import { loginEvent } from './client-events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { berInteger, readTlv, type Tlv, tlvWithin } from './ldap-ber.ts';
import { ldapMessage } from './ldap-detect.ts';
import { ldapRequests, ldapResponses, ldapResultCodes, startTlsOid } from './ldap-ops.ts';
import type { ProtocolParser } from './protocol.ts';
import { framedToTls, type TlsUpgrade, upgradable } from './tls-upgrade.ts';
import { maxTextBytes, text } from './wire-bytes.ts';

/**
 * `startTlsId`: the message ID of a StartTLS request awaiting its response (only that response can accept it: another
 * extended operation's success after a refused StartTLS must not turn the reader to TLS). `bindDn`: the DN of the last
 * BindRequest, until its BindResponse says how it went.
 */
type State = { startTlsId: number | undefined; bindDn: string | undefined };

/** RFC 4511 §4.1.9: success, and the codes a wrong or refused password gives (invalidCredentials first of all). */
const bindOk = 0;
const bindRefused = new Set([48, 49, 50, 53]);

const child = (b: Uint8Array, at: number, parent: Tlv): Tlv | undefined => tlvWithin(b, at, parent.end);

const string = (b: Uint8Array, tlv: Tlv | undefined): string =>
  tlv ? text(b, tlv.contentStart, tlv.end, maxTextBytes) : '';

/** The DN a request names: BindRequest after its version; DelRequest is the DN itself; others start with it. */
const requestDetail = (b: Uint8Array, op: Tlv, state: State, id: number): string | undefined => {
  if (op.tag === 0x4a) return `dn=${string(b, op)}`;
  if (op.tag === 0x77) {
    const oid = string(b, child(b, op.contentStart, op));
    if (oid === startTlsOid && id !== 0) state.startTlsId = id;
    return `oid=${oid}`;
  }
  if (op.tag === 0x42 || op.tag === 0x50) return undefined;
  const first = child(b, op.contentStart, op);
  const dn = op.tag === 0x60 && first ? child(b, first.end, op) : first;
  const label = op.tag === 0x63 ? 'base' : 'dn';
  if (dn?.tag !== 0x04) return undefined;
  const named = `${label}=${string(b, dn)}`;
  return op.tag === 0x60 ? `${named}${bindAuthentication(b, child(b, dn.end, op))}` : named;
};

/**
 * §4.2: AuthenticationChoice, simple [0] (a password, in the clear unless TLS carries the connection) or sasl [3]
 * (its mechanism). Only the kind is kept, never the password: ` auth=simple`, ` auth=sasl:PLAIN`; an anonymous bind
 * (empty password) adds nothing.
 */
const bindAuthentication = (b: Uint8Array, auth: Tlv | undefined): string => {
  if (auth === undefined) return '';
  if (auth.tag === 0x80) return auth.end > auth.contentStart ? ' auth=simple' : '';
  if (auth.tag !== 0xa3) return '';
  const mechanism = child(b, auth.contentStart, auth);
  return ` auth=sasl:${mechanism?.tag === 0x04 ? string(b, mechanism).slice(0, 64) : ''}`;
};

/** LDAPResult (§4.1.9): resultCode ENUMERATED, matchedDN, diagnosticMessage. */
const resultDetail = (b: Uint8Array, op: Tlv): string | undefined => {
  const code = child(b, op.contentStart, op);
  if (code?.tag !== 0x0a) return undefined;
  const value = berInteger(b, code);
  const matched = child(b, code.end, op);
  const diagnostic = matched ? string(b, child(b, matched.end, op)) : '';
  const name = ldapResultCodes[value] ?? 'unknown';
  return `result=${value} ${name}${diagnostic ? `: ${diagnostic}` : ''}`;
};

const message = (state: State, upgrade: TlsUpgrade, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const toServer = ctx.direction === 'to-server';
  const parsed = ldapMessage(m, toServer ? ldapRequests : ldapResponses);
  if (typeof parsed === 'string') return [];
  const { op } = parsed;
  const operation = (toServer ? ldapRequests : ldapResponses)[op.tag] ?? 'unknown';
  // Entries and referrals are data, not operations.
  if (op.tag === 0x64 || op.tag === 0x73) return [];
  const detail = toServer ? requestDetail(m, op, state, parsed.id) : resultDetail(m, op);
  const login = trackBind(state, toServer, op.tag, detail, ctx.ts);
  // RFC 4511 §4.14.2: the StartTLS response carries the request's message ID; its success means TLS follows.
  const startTlsAnswer = !toServer && op.tag === 0x78 && parsed.id === state.startTlsId;
  if (startTlsAnswer) state.startTlsId = undefined;
  if (startTlsAnswer && detail?.startsWith('result=0 ')) {
    framedToTls(upgrade, ctx);
  }
  const event: ProtocolEvent = {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'ldap',
    operation,
    ...(detail ? { detail } : {}),
  };
  return login === undefined ? [event] : [event, login];
};

/** A BindRequest remembers its DN; its BindResponse gives the outcome. */
const trackBind = (
  state: State,
  toServer: boolean,
  tag: number,
  detail: string | undefined,
  ts: number,
): DbAuthEvent | undefined => {
  if (toServer && tag === 0x60) state.bindDn = (detail ?? '').replace(/^dn=/, '').replace(/ auth=.*$/, '');
  return !toServer && tag === 0x61 ? bindOutcome(state, detail, ts) : undefined;
};

/**
 * A BindResponse to a bind that named a DN: a login outcome (`db-auth`), for password-guessing detection. An
 * anonymous bind (no DN) and a SASL step in progress (14) are not logins that worked or failed.
 */
const bindOutcome = (state: State, detail: string | undefined, ts: number): DbAuthEvent | undefined => {
  const code = Number(/^result=(\d+)/.exec(detail ?? '')?.[1] ?? Number.NaN);
  const dn = state.bindDn;
  if (dn === undefined || dn === '' || !(code === bindOk || bindRefused.has(code))) return undefined;
  state.bindDn = undefined;
  return loginEvent('ldap', ts, code === bindOk, dn.slice(0, 256));
};

export const createLdapParser = (): ProtocolParser =>
  upgradable((upgrade) => {
    const state: State = { startTlsId: undefined, bindDn: undefined };
    return createFramedParser({
      frame: (b) => {
        const seq = readTlv(b, 0);
        if (seq === 'need-more') return 0;
        return seq === 'bad' || seq.tag !== 0x30 ? -1 : seq.end;
      },
      message: (m, ctx) => message(state, upgrade, m, ctx),
    });
  });
