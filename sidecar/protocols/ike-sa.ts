/**
 * The proposals of an SA payload in the clear, each as the suite a person reads (`ENCR_AES_CBC-256 PRF_HMAC_SHA2_256
 * AUTH_HMAC_SHA2_256_128 MODP_2048`). IKEv2 (RFC 7296 §3.3): proposal substructures, each with its transforms by type
 * (several of one type are alternatives, joined by `/`) and the key length attribute (14). IKEv1 (RFC 2408 §3.4-§3.6,
 * RFC 2409 appendix A): a DOI and situation, proposal payloads, each transform a whole suite of attributes
 * (encryption, hash, authentication method, group, key length). Bounded: 16 proposals, 32 transforms each; a
 * substructure that overruns its parent ends the list.
 */
import { groupNames, transformName, v1Auth, v1Encryption, v1Hash } from './ike-names.ts';
import { u16be } from './wire-bytes.ts';

const maxProposals = 16;
const maxTransforms = 32;
/** The Key Length attribute, type 14 in both versions, sent as TV (AF bit set). */
const keyLengthAttribute = 0x800e;

type Attributes = Map<number, number>;

/** TV attributes (AF bit set) by type; TLV ones (life durations) are passed over. */
const attributes = (b: Uint8Array, start: number, end: number): Attributes => {
  const found: Attributes = new Map();
  let at = start;
  while (at + 4 <= end) {
    const type = u16be(b, at);
    if ((type & 0x8000) !== 0) {
      found.set(type & 0x7fff, u16be(b, at + 2));
      at += 4;
    } else at += 4 + u16be(b, at + 2);
  }
  return found;
};

/** IKEv2 transforms in `[start, end)`, `count` at most, as names grouped by type (1, 2, 3, 4; ESN last). */
const v2Transforms = (b: Uint8Array, start: number, end: number, count: number): string => {
  const byType = new Map<number, string[]>();
  let at = start;
  for (let i = 0; i < Math.min(count, maxTransforms) && at + 8 <= end; i++) {
    const length = u16be(b, at + 2);
    if (length < 8 || at + length > end) break;
    const type = b[at + 4] ?? 0;
    const keyLength = attributes(b, at + 8, at + length).get(keyLengthAttribute & 0x7fff);
    const names = byType.get(type) ?? [];
    names.push(transformName(type, u16be(b, at + 6), keyLength));
    byType.set(type, names);
    at += length;
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, names]) => names.join('/'))
    .join(' ');
};

/** IKEv2's SA payload body: one suite text per proposal. */
export const v2Proposals = (b: Uint8Array, start: number, end: number): string[] => {
  const out: string[] = [];
  let at = start;
  while (out.length < maxProposals && at + 8 <= end) {
    const length = u16be(b, at + 2);
    if (length < 8 || at + length > end) break;
    const spiSize = b[at + 6] ?? 0;
    out.push(v2Transforms(b, at + 8 + spiSize, at + length, b[at + 7] ?? 0));
    if (b[at] !== 2) break;
    at += length;
  }
  return out;
};

const v1Names: readonly [number, Readonly<Record<number, string>>, string][] = [
  [1, v1Encryption, 'ENCR'],
  [2, v1Hash, 'HASH'],
  [3, v1Auth, 'AUTH'],
  [4, groupNames, 'GROUP'],
];

/** One IKEv1 transform's attributes as a suite: encryption (with its key length), hash, authentication, group. */
const v1Suite = (found: Attributes): string =>
  v1Names
    .filter(([type]) => found.has(type))
    .map(([type, names, kind]) => {
      const id = found.get(type) ?? 0;
      const name = names[id] ?? `${kind}_${id}`;
      const keyLength = type === 1 ? found.get(14) : undefined;
      return keyLength === undefined ? name : `${name}-${keyLength}`;
    })
    .join(' ');

/** IKEv1's SA payload body (DOI, situation, proposal payloads): one suite text per transform. */
export const v1Proposals = (b: Uint8Array, start: number, end: number): string[] => {
  const out: string[] = [];
  let at = start + 8;
  while (at + 8 <= end) {
    const length = u16be(b, at + 2);
    if (length < 8 || at + length > end) break;
    const spiSize = b[at + 6] ?? 0;
    let t = at + 8 + spiSize;
    for (let i = 0; i < Math.min(b[at + 7] ?? 0, maxTransforms) && t + 8 <= at + length; i++) {
      const size = u16be(b, t + 2);
      if (size < 8 || t + size > at + length || out.length >= maxProposals) break;
      out.push(v1Suite(attributes(b, t + 8, t + size)));
      t += size;
    }
    if (b[at] !== 2) break;
    at += length;
  }
  return out;
};
