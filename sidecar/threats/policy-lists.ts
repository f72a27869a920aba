/**
 * Lists a policy names things in, checked when it loads, each wrong entry quoted: a typo in one (`telent`, `TXTT`,
 * a fingerprint missing a colon) would never match and so would turn a check off without a word.
 */
import { z } from 'zod';
import { protocolIds } from '#core/protocol-id.ts';
import { dnsTypeMnemonics } from '../protocols/dns-names.ts';

const known: ReadonlySet<string> = new Set(protocolIds);

/** A protocol id the tap reports (`http`, `tls`, `postgresql`…). */
export const protocolEntry = z.string().refine((entry) => known.has(entry), {
  error: (issue) =>
    `"${String(issue.input)}" is not a protocol the tap identifies (${protocolIds.join(', ')})`,
});

/** RFC 6895 §3.1: types 65280 to 65534 are for private use (iodine's `-T PRIVATE` asks for 65399). */
export const privateDnsType = (name: string): boolean => {
  const match = /^TYPE(\d{5})$/.exec(name);
  const type = Number(match?.[1]);
  return type >= 65280 && type <= 65534;
};

/** A DNS type as the tap names it (`TXT`, `TYPE65399`), or `PRIVATE` for the private-use range; any case. */
export const dnsTypeEntry = z
  .string()
  .transform((entry) => entry.toUpperCase())
  .refine((entry) => dnsTypeMnemonics.has(entry) || entry === 'PRIVATE' || /^TYPE\d{1,5}$/.test(entry), {
    error: (issue) =>
      `"${String(issue.input)}" is not a DNS type (a mnemonic such as TXT, TYPEnnn, or PRIVATE)`,
  });

/** A SHA-1 or SHA-256 certificate fingerprint as OpenSSL prints it (`AB:CD:…`), compared in upper case. */
export const fingerprintEntry = z
  .string()
  .refine((entry) => /^(?:[0-9a-f]{2}:){19}(?:(?:[0-9a-f]{2}:){12})?[0-9a-f]{2}$/i.test(entry), {
    error: (issue) =>
      `"${String(issue.input)}" is not a SHA-1 or SHA-256 fingerprint written as OpenSSL does (AB:CD:…, 20 or 32 octets)`,
  })
  .transform((entry) => entry.toUpperCase());
