/**
 * The signature algorithm of an X.509 certificate (RFC 5280 §4.1.1.2), read from its DER: Node's X509Certificate does
 * not expose it, and a certificate signed with MD5 or SHA-1 can be forged by collision.
 */
import { readTlv, type Tlv } from './ldap-ber.ts';

const tag = { sequence: 0x30, oid: 0x06 } as const;

/** The signature algorithms certificates use (RFC 3279, RFC 4055, RFC 5758, RFC 8410), named as OpenSSL prints them. */
const names: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/** Algorithms whose hash has practical collisions (MD2, MD5, SHA-1): a forged certificate can share the signature. */
export const brokenSignatureHashes: ReadonlySet<string> = new Set([
  'md2WithRSAEncryption',
  'md5WithRSAEncryption',
  'sha1WithRSAEncryption',
  'dsaWithSHA1',
  'ecdsa-with-SHA1',
]);

/** An OID's dotted text (X.690 §8.19); undefined when a sub-identifier does not end or is too long. */
export const oidText = (b: Uint8Array, start: number, end: number): string | undefined => {
  if (end <= start) return undefined;
  const first = b[start] ?? 0;
  const parts: number[] = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  let value = 0;
  let digits = 0;
  for (let i = start + 1; i < end; i++) {
    const octet = b[i] ?? 0;
    value = value * 128 + (octet & 0x7f);
    digits += 1;
    if (digits > 4) return undefined;
    if ((octet & 0x80) === 0) {
      parts.push(value);
      value = 0;
      digits = 0;
    }
  }
  return digits === 0 && first < 0x80 ? parts.join('.') : undefined;
};

/** The TLV at `at` if it has tag `expected` and lies within `end`. */
const expect = (b: Uint8Array, at: number, end: number, expected: number): Tlv | undefined => {
  const tlv = readTlv(b, at);
  return typeof tlv === 'object' && tlv.tag === expected && tlv.end <= end ? tlv : undefined;
};

/**
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }:
 * the algorithm's name, its dotted OID when unnamed, or undefined when the DER is not shaped so.
 */
export const signatureAlgorithm = (der: Uint8Array): string | undefined => {
  const outer = expect(der, 0, der.length, tag.sequence);
  if (outer === undefined) return undefined;
  const tbs = expect(der, outer.contentStart, outer.end, tag.sequence);
  if (tbs === undefined) return undefined;
  const algorithm = expect(der, tbs.end, outer.end, tag.sequence);
  if (algorithm === undefined) return undefined;
  const oid = expect(der, algorithm.contentStart, algorithm.end, tag.oid);
  if (oid === undefined) return undefined;
  const dotted = oidText(der, oid.contentStart, oid.end);
  return dotted === undefined ? undefined : (names[dotted] ?? dotted);
};
