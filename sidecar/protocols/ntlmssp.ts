/**
 * The login inside an SMB session setup's security blob (SPNEGO, RFC 4178): an NTLMSSP AUTHENTICATE message
 * (MS-NLMP §2.2.1.3) for its domain, user and workstation (never its LM or NT challenge responses), or a Kerberos
 * AP-REQ (RFC 4121 §4.1: the krb5 mechanism OID followed by token id 01 00), named as such.
 */
import { latin1, u16le, u32le, utf16le } from './wire-bytes.ts';

export type Login = {
  auth: 'ntlm' | 'kerberos' | 'anonymous';
  user?: string;
  domain?: string;
  workstation?: string;
};

/** `NTLMSSP\0` (MS-NLMP §2.2.1). */
const signature = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00];
/** 1.2.840.113554.1.2.2 (Kerberos 5) and 1.2.840.48018.1.2.2 (Microsoft's): tag, length and the first octets. */
const krb5 = [0x06, 0x09, 0x2a, 0x86, 0x48];
const krb5Tails = [
  [0x86, 0xf7, 0x12, 0x01, 0x02, 0x02],
  [0x82, 0xf7, 0x12, 0x01, 0x02, 0x02],
];
/** The NTLMSSP token sits a few DER headers into the blob; a Kerberos AP-REQ after the mechanism list. */
const searchedOctets = 4096;
const negotiateUnicode = 0x1;
const negotiateAnonymous = 0x800;
const maxField = 512;

const startsAt = (b: Uint8Array, at: number, want: readonly number[]): boolean => {
  for (let i = 0; i < want.length; i++) if (b[at + i] !== want[i]) return false;
  return true;
};

const indexOfSignature = (b: Uint8Array, from: number, end: number): number => {
  const stop = Math.min(end, from + searchedOctets, b.length) - signature.length;
  for (let i = from; i <= stop; i++) if (b[i] === 0x4e && startsAt(b, i, signature)) return i;
  return -1;
};

/**
 * Where the krb5 mechanism's token with TOK_ID `tokenId` 00 (RFC 4121 §4.1: 01 AP-REQ, 02 AP-REP, 03 KRB-ERROR)
 * starts in `b[from, end)`: the offset after its TOK_ID, or -1. The OID followed by the TOK_ID is the token's, not
 * the same OID in a mechanism list.
 */
export const krb5TokenAt = (b: Uint8Array, from: number, end: number, tokenId: number): number => {
  const stop = Math.min(end, from + searchedOctets, b.length) - 13;
  for (let i = from; i <= stop; i++) {
    if (b[i] !== 0x06 || !startsAt(b, i, krb5)) continue;
    if (krb5Tails.some((tail) => startsAt(b, i + 5, tail)) && b[i + 11] === tokenId && b[i + 12] === 0x00)
      return i + 13;
  }
  return -1;
};

/** A security buffer's field (length, max length, offset from the message's start): its text. */
const field = (b: Uint8Array, message: number, at: number, end: number, unicode: boolean): string => {
  const length = Math.min(u16le(b, at), maxField);
  const start = message + u32le(b, at + 4);
  if (length === 0 || start + length > end) return '';
  return unicode ? utf16le(b, start, length) : latin1(b, start, start + length);
};

const authenticate = (b: Uint8Array, at: number, end: number): Login => {
  const flags = u32le(b, at + 60);
  const unicode = (flags & negotiateUnicode) !== 0;
  const ntLength = u16le(b, at + 20);
  const user = field(b, at, at + 36, end, unicode);
  const login: Login = {
    // MS-NLMP §3.2.5.1.2: an empty user and NT response (or the anonymous flag) is an anonymous login.
    auth: (flags & negotiateAnonymous) !== 0 || (user === '' && ntLength === 0) ? 'anonymous' : 'ntlm',
  };
  if (user !== '') login.user = user;
  const domain = field(b, at, at + 28, end, unicode);
  if (domain !== '') login.domain = domain;
  const workstation = field(b, at, at + 44, end, unicode);
  if (workstation !== '') login.workstation = workstation;
  return login;
};

/**
 * The login a security blob `b[start, end)` carries: NTLMSSP AUTHENTICATE or a Kerberos AP-REQ; undefined for the
 * other steps (NTLMSSP NEGOTIATE, a server's CHALLENGE) and for anything unreadable.
 */
export const readLogin = (b: Uint8Array, start: number, end: number): Login | undefined => {
  const stop = Math.min(end, b.length);
  if (start < 0 || stop <= start) return undefined;
  const at = indexOfSignature(b, start, stop);
  if (at >= 0) return u32le(b, at + 8) === 3 && at + 64 <= stop ? authenticate(b, at, stop) : undefined;
  return krb5TokenAt(b, start, stop, 0x01) >= 0 ? { auth: 'kerberos' } : undefined;
};
