/**
 * How much a negotiated TLS cipher suite protects, judged from its registered name (RFC 9325, BCP 195, §4.1):
 * `insecure` offers no or breakable protection (no encryption, no server authentication, export grade, RC4 (RFC
 * 7465), single DES, RC2); `weak` is breakable in practice or gives up forward secrecy (64-bit blocks: 3DES and IDEA,
 * SWEET32; RSA key transport and static DH/ECDH or PSK key exchange, so a stolen server key decrypts every recorded
 * session; an MD5 MAC); anything else is `strong` (TLS 1.3's suites among them).
 */
import { cipherSuiteName } from './tls-cipher-names.ts';

export type CipherVerdict = { strength: 'insecure' | 'weak' | 'strong'; name: string; why?: string };

const insecure: readonly [RegExp, string][] = [
  [/^TLS_NULL_|_WITH_NULL_/, 'no encryption'],
  [/_anon_/, 'no server authentication'],
  [/EXPORT/, 'export grade'],
  [/RC4/, 'RC4'],
  [/_DES(40)?_/, 'single DES'],
  [/RC2/, 'RC2'],
];

const weak: readonly [RegExp, string][] = [
  [/3DES|IDEA/, '64-bit block cipher'],
  [/^TLS_(RSA|DH_DSS|DH_RSA|ECDH_ECDSA|ECDH_RSA|PSK|KRB5)_/, 'no forward secrecy'],
  [/_MD5$/, 'MD5 MAC'],
];

/** The verdict on a suite, or undefined for a value without a registered name (nothing to judge it by). */
export const cipherVerdict = (value: number): CipherVerdict | undefined => {
  const name = cipherSuiteName(value);
  if (name === undefined || name.endsWith('_SCSV')) return undefined;
  for (const [pattern, why] of insecure) if (pattern.test(name)) return { strength: 'insecure', name, why };
  for (const [pattern, why] of weak) if (pattern.test(name)) return { strength: 'weak', name, why };
  return { strength: 'strong', name };
};
