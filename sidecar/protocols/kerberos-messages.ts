/**
 * Kerberos 5 messages (RFC 4120 §5.4.1, §5.4.2, §5.9.1) as far as a login's story needs: which message, the client
 * and service principals with the realm, and a KRB-ERROR's code. DER with single-octet tags (the APPLICATION tags
 * 10 to 30 and context tags [0] to [12] all fit), read with the bounds-checked TLV reader LDAP uses.
 */
import { berInteger, type Tlv, tlvWithin } from './ldap-ber.ts';
import { text } from './wire-bytes.ts';

/** APPLICATION tags (constructed): AS-REQ 10, AS-REP 11, TGS-REQ 12, TGS-REP 13, KRB-ERROR 30. */
export const kerberosMessages: Readonly<Record<number, { name: string; msgType: number }>> = {
  106: { name: 'AS-REQ', msgType: 10 },
  107: { name: 'AS-REP', msgType: 11 },
  108: { name: 'TGS-REQ', msgType: 12 },
  109: { name: 'TGS-REP', msgType: 13 },
  126: { name: 'KRB-ERROR', msgType: 30 },
};

export type KerberosMessage = {
  name: string;
  /** The client principal with its realm (`alice@SHOP.TEST`), when the message names one. */
  client?: string;
  /** The service principal (`krbtgt/SHOP.TEST`), when named. */
  service?: string;
  /** A KRB-ERROR's error-code. */
  error?: number;
  /**
   * A request's encryption types, in the client's order of preference (23 is RC4-HMAC, which Kerberoasting asks for):
   * the first 16, then any DES or RC4 type listed after them.
   */
  etypes?: number[];
  /** An AS-REQ proves knowledge of the password (PA-ENC-TIMESTAMP, type 2; or FAST's PA-FX-FAST, 136). */
  preauth?: boolean;
};

/** padata [3] SEQUENCE OF PA-DATA { padata-type [1] Int32, padata-value [2] }: whether one proves the password. */
const hasPreauth = (b: Uint8Array, field: Tlv | undefined): boolean => {
  const list = inner(b, field);
  if (list?.tag !== 0x30) return false;
  for (let at = list.contentStart, pa = tlvWithin(b, at, list.end); pa; pa = tlvWithin(b, at, list.end)) {
    const type = pa.tag === 0x30 ? integerOf(b, fields(b, pa).get(1)) : -1;
    if (type === 2 || type === 136) return true;
    at = pa.end;
  }
  return false;
};

/** The context-tagged fields of a SEQUENCE, by tag number ([n] is 0xa0 + n). */
const fields = (b: Uint8Array, sequence: Tlv): Map<number, Tlv> => {
  const out = new Map<number, Tlv>();
  for (
    let at = sequence.contentStart, field = tlvWithin(b, at, sequence.end);
    field;
    field = tlvWithin(b, at, sequence.end)
  ) {
    if ((field.tag & 0xe0) === 0xa0) out.set(field.tag & 0x1f, field);
    at = field.end;
  }
  return out;
};

/** The one value inside an explicit context tag. */
const inner = (b: Uint8Array, field: Tlv | undefined): Tlv | undefined =>
  field === undefined ? undefined : tlvWithin(b, field.contentStart, field.end);

const integerOf = (b: Uint8Array, field: Tlv | undefined): number => {
  const value = inner(b, field);
  return value?.tag === 0x02 ? berInteger(b, value) : -1;
};

const stringOf = (b: Uint8Array, field: Tlv | undefined): string | undefined => {
  const value = inner(b, field);
  return value?.tag === 0x1b ? text(b, value.contentStart, value.end, 128) : undefined;
};

/** PrincipalName ::= SEQUENCE { name-type [0], name-string [1] SEQUENCE OF GeneralString }, joined with "/". */
const principal = (b: Uint8Array, field: Tlv | undefined): string | undefined => {
  const sequence = inner(b, field);
  if (sequence?.tag !== 0x30) return undefined;
  const names = inner(b, fields(b, sequence).get(1));
  if (names?.tag !== 0x30) return undefined;
  const parts: string[] = [];
  for (
    let at = names.contentStart, part = tlvWithin(b, at, names.end);
    part && parts.length < 4;
    part = tlvWithin(b, at, names.end)
  ) {
    if (part.tag === 0x1b) parts.push(text(b, part.contentStart, part.end, 128));
    at = part.end;
  }
  return parts.length > 0 ? parts.join('/') : undefined;
};

const withRealm = (name: string | undefined, realm: string | undefined): string | undefined =>
  name === undefined ? undefined : realm === undefined ? name : `${name}@${realm}`;

/** Encryption types told however far down the list they come: DES (1, 2, 3) and RC4-HMAC (23, 24, RFC 8429). */
const weakEtypes = new Set([1, 2, 3, 23, 24]);
const maxEtypes = 16;

/**
 * etype [8] SEQUENCE OF Int32, read to its end: the first 16, then each weak one listed after them, once. A KDC reads
 * the whole list, so a weak type put after 16 others is still asked for (ADR 30); the event stays small.
 */
const etypesOf = (b: Uint8Array, field: Tlv | undefined): number[] => {
  const list = inner(b, field);
  const out: number[] = [];
  if (list?.tag !== 0x30) return out;
  for (let at = list.contentStart, e = tlvWithin(b, at, list.end); e; e = tlvWithin(b, at, list.end)) {
    const etype = e.tag === 0x02 ? berInteger(b, e) : undefined;
    if (etype !== undefined && (out.length < maxEtypes || (weakEtypes.has(etype) && !out.includes(etype))))
      out.push(etype);
    at = e.end;
  }
  return out;
};

type RequestFacts = Pick<KerberosMessage, 'client' | 'service' | 'etypes'>;

/** KDC-REQ-BODY ::= SEQUENCE { kdc-options [0], cname [1], realm [2], sname [3], ..., etype [8], ... } */
const requestNames = (b: Uint8Array, body: Tlv | undefined): RequestFacts => {
  const sequence = inner(b, body);
  if (sequence?.tag !== 0x30) return {};
  const f = fields(b, sequence);
  const realm = stringOf(b, f.get(2));
  const out: RequestFacts = { etypes: etypesOf(b, f.get(8)) };
  const client = withRealm(principal(b, f.get(1)), realm);
  const service = principal(b, f.get(3));
  if (client !== undefined) out.client = client;
  if (service !== undefined) out.service = service;
  return out;
};

/** KDC-REP (§5.4.2): pvno [0], msg-type [1], padata [2], crealm [3], cname [4], ...; KRB-ERROR (§5.9.1): pvno [0],
 * msg-type [1], ..., error-code [6], crealm [7], cname [8], realm [9], sname [10]. */
const replyOrError = (b: Uint8Array, name: string, f: Map<number, Tlv>, error: boolean): KerberosMessage => {
  const message: KerberosMessage = { name };
  const client = withRealm(principal(b, f.get(error ? 8 : 4)), stringOf(b, f.get(error ? 7 : 3)));
  if (client !== undefined) message.client = client;
  if (!error) return message;
  message.error = integerOf(b, f.get(6));
  const service = principal(b, f.get(10));
  if (service !== undefined) message.service = service;
  return message;
};

/** The message at the start of `b` (one whole DER value), or undefined when it is not a well-formed Kerberos 5 one. */
export const readKerberosMessage = (b: Uint8Array): KerberosMessage | undefined => {
  const outer = tlvWithin(b, 0, b.length);
  const kind = outer === undefined ? undefined : kerberosMessages[outer.tag];
  const sequence = inner(b, outer);
  if (kind === undefined || sequence?.tag !== 0x30) return undefined;
  const f = fields(b, sequence);
  // KDC-REQ (§5.4.1) numbers its fields from [1]: pvno [1], msg-type [2], padata [3], req-body [4].
  const request = kind.msgType === 10 || kind.msgType === 12;
  const [pvno, msgType] = request ? [f.get(1), f.get(2)] : [f.get(0), f.get(1)];
  if (integerOf(b, pvno) !== 5 || integerOf(b, msgType) !== kind.msgType) return undefined;
  return request
    ? {
        name: kind.name,
        ...requestNames(b, f.get(4)),
        ...(kind.msgType === 10 ? { preauth: hasPreauth(b, f.get(3)) } : {}),
      }
    : replyOrError(b, kind.name, f, kind.msgType === 30);
};
