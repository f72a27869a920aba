/**
 * What a SIP message says of its parties (RFC 3261 §20): the users of its To and From URIs (the extensions), the
 * software (User-Agent, a response's Server), the method its CSeq names, the first Contact, and the username and realm
 * of its Authorization or Proxy-Authorization (§22.4; the digest response and nonce are never kept). A URI's password
 * (`sip:user:password@host`, §19.1.1) is cut off the user.
 */
import type { SipHead } from './sip-head.ts';

/** A user, realm, agent or contact as told: at most this long. */
const maxValue = 128;

export type SipHeadFacts = {
  /** A request's method; a response's, the method its CSeq names ('' when it names none). */
  method: string;
  /** The CSeq's sequence number and method, with the Call-ID: what pairs a response with its request (§17.1.3). */
  key: string;
  toUser?: string;
  fromUser?: string;
  agent?: string;
  contact?: string;
  /** The digest credentials the message carries, when it carries some. */
  auth?: { user?: string; realm?: string; algorithm?: string };
};

const printable = (value: string): string => value.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, maxValue);

/** The user part of a name-addr or addr-spec (`"Bob" <sip:1002@pbx>;tag=x`, `sip:1002@pbx`, `tel:+4930123`). */
export const uriUser = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const uri = /(sips?|tel):([^\s>;?,]*)/i.exec(value);
  if (uri === null) return undefined;
  const rest = uri[2] as string;
  if ((uri[1] as string).toLowerCase() === 'tel') return rest === '' ? undefined : printable(rest);
  const at = rest.lastIndexOf('@');
  if (at <= 0) return undefined;
  const user = rest.slice(0, at);
  const colon = user.indexOf(':');
  return printable(colon < 0 ? user : user.slice(0, colon));
};

/** One parameter of a Digest credentials value (§25.1: `name = token / quoted-string`). */
const digestParam = (value: string, name: string): string | undefined => {
  const found = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,"]+))`, 'i').exec(
    value,
  );
  if (found === null) return undefined;
  return printable(found[1] ?? found[2] ?? '');
};

const credentials = (head: SipHead): SipHeadFacts['auth'] => {
  const value = head.headers.get('authorization') ?? head.headers.get('proxy-authorization');
  if (value === undefined) return undefined;
  const auth: NonNullable<SipHeadFacts['auth']> = {};
  const user = digestParam(value, 'username');
  const realm = digestParam(value, 'realm');
  const algorithm = digestParam(value, 'algorithm');
  if (user !== undefined) auth.user = user;
  if (realm !== undefined) auth.realm = realm;
  if (algorithm !== undefined) auth.algorithm = algorithm;
  return auth;
};

/** `CSeq: 2 REGISTER`: its number and method, or undefined when it is not one. */
const cseqOf = (value: string | undefined): { seq: string; method: string } | undefined => {
  const cseq = value === undefined ? null : /^(\d{1,10})\s+([A-Za-z][\w.!%*+`'~-]{0,31})\s*$/.exec(value);
  return cseq === null ? undefined : { seq: cseq[1] as string, method: cseq[2] as string };
};

export const sipHeadFacts = (head: SipHead): SipHeadFacts => {
  const cseq = cseqOf(head.headers.get('cseq'));
  const method = head.start.kind === 'request' ? head.start.method : (cseq?.method ?? '');
  const callId = (head.headers.get('call-id') ?? '').slice(0, 256);
  const facts: SipHeadFacts = { method, key: `${callId} ${cseq?.seq ?? ''} ${cseq?.method ?? ''}` };
  const toUser = uriUser(head.headers.get('to'));
  const fromUser = uriUser(head.headers.get('from'));
  const agentHeader = head.start.kind === 'response' ? 'server' : 'user-agent';
  const agent = head.headers.get(agentHeader) ?? head.headers.get('user-agent');
  const contact = head.headers.get('contact');
  const auth = credentials(head);
  if (toUser !== undefined) facts.toUser = toUser;
  if (fromUser !== undefined) facts.fromUser = fromUser;
  if (agent !== undefined && agent !== '') facts.agent = printable(agent);
  if (contact !== undefined && contact !== '') facts.contact = printable(contact);
  if (auth !== undefined) facts.auth = auth;
  return facts;
};
