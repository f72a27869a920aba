/**
 * JA4 (FoxIO, technical_details/JA4.md): a ClientHello fingerprint that, unlike JA3, does not change when a client
 * shuffles its extensions (Chrome does, since version 110). `a_b_c`:
 * - a: transport (`t` TLS over TCP, `q` QUIC), the highest version offered, `d` with SNI or `i` without, the counts
 *   of cipher suites and extensions (GREASE left out, at most 99), and the first and last characters of the first
 *   ALPN value (`00` without one; its hex form's first and last digits when either character is not alphanumeric);
 * - b: the first 12 hex digits of the SHA-256 of the sorted cipher suites;
 * - c: the same of the sorted extensions without SNI and ALPN, then `_` and the signature algorithms in their order.
 */
import { createHash } from 'node:crypto';
import type { ClientHello } from './tls-client-hello.ts';
import { highestVersion, isGrease } from './tls-version.ts';

const versionCodes = new Map<number, string>([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);
const empty = '000000000000';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const count = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
const alphanumeric = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

const alpnCode = (alpn: readonly string[]): string => {
  const first = alpn[0];
  if (first === undefined || first === '') return '00';
  const a = first.charCodeAt(0);
  const z = first.charCodeAt(first.length - 1);
  if (alphanumeric(a) && alphanumeric(z)) return `${first[0]}${first[first.length - 1]}`;
  const digits = Buffer.from(first, 'latin1').toString('hex');
  return `${digits[0]}${digits[digits.length - 1]}`;
};

/** Hashes by input: a few client stacks make most hellos, and a SHA-256 costs more than the parse. */
const hashes = new Map<string, string>();
const maxHashes = 2048;
const hash12 = (text: string): string => {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
    if (hashes.size >= maxHashes) hashes.clear();
    hashes.set(text, hash);
  }
  return hash;
};

export const ja4 = (hello: ClientHello, transport: 't' | 'q'): string => {
  const ciphers = hello.ciphers.filter((c) => !isGrease(c));
  const extensions = hello.extensions.filter((e) => !isGrease(e));
  const version = highestVersion(hello.versions) ?? hello.legacyVersion;
  const a = `${transport}${versionCodes.get(version) ?? '00'}${extensions.includes(0) ? 'd' : 'i'}${count(ciphers.length)}${count(extensions.length)}${alpnCode(hello.alpn)}`;
  const b = ciphers.length === 0 ? empty : hash12(ciphers.map(hex4).sort().join(','));
  const kept = extensions.filter((e) => e !== 0x0000 && e !== 0x0010);
  const signatures = hello.signatureAlgorithms
    .filter((s) => !isGrease(s))
    .map(hex4)
    .join(',');
  const c =
    kept.length === 0
      ? empty
      : hash12(`${kept.map(hex4).sort().join(',')}${signatures === '' ? '' : `_${signatures}`}`);
  return `${a}_${b}_${c}`;
};
