/**
 * The Kerberos answer in a server's security blob (an SMB session setup's SPNEGO NegTokenResp, RFC 4178 §4.2.2): the
 * krb5 mechanism's AP-REP (RFC 4121 §4.1, TOK_ID 02 00: mutual authentication, the ticket accepted) or KRB-ERROR
 * (TOK_ID 03 00) with its code (RFC 4120 §5.9.1).
 */
import { readKerberosMessage } from './kerberos-messages.ts';
import { krb5TokenAt } from './ntlmssp.ts';

export type KerberosAnswer = { apRep: true } | { error: number };

/** The answer `b[start, end)` carries; undefined when it holds neither (an NTLMSSP CHALLENGE, a bare accept). */
export const readKerberosAnswer = (b: Uint8Array, start: number, end: number): KerberosAnswer | undefined => {
  const stop = Math.min(end, b.length);
  if (start < 0 || stop <= start) return undefined;
  if (krb5TokenAt(b, start, stop, 0x02) >= 0) return { apRep: true };
  const at = krb5TokenAt(b, start, stop, 0x03);
  const error = at < 0 ? undefined : readKerberosMessage(b.subarray(at, stop))?.error;
  return error === undefined ? undefined : { error };
};
