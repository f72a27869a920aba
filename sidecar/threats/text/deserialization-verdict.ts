/**
 * Judges a client's value as a serialized object a server would deserialize: base64 (standard or URL-safe) or hex of a
 * binary stream (Java, .NET, Ruby Marshal, pickle, gzip of one), PHP `serialize()` objects, pickle protocol 0 text,
 * and typed JSON, YAML and XML documents. One regular expression on the value first: without one of the formats'
 * openings (`rO0AB`, `H4sIA`, `O:`, `@type`, `!!`, …) nothing else is done.
 */
import { phpSerialized } from './php-serialized.ts';
import { serializedBytes } from './serialized-bytes.ts';
import { type Serialized, through } from './serialized-format.ts';
import { typedDocument } from './typed-documents.ts';

/**
 * Base64 openings: Java `AC ED 00 05` (rO0AB), gzip (H4sIA), BinaryFormatter (AAEAAAD/), ObjectStateFormatter `FF 01`
 * (/wE), pickle PROTO 2-5 (gA[I-X]), Marshal (BAh), PHP `O:` `C:` `a:` (Tz, Qz, YT), pickle protocol 0's
 * `cos\n`, `cposix\n`, `cnt\n`, `c__builtin__\n`, `cbuiltins\n`, `csubprocess\n`.
 */
const base64Start =
  /(?:rO0AB|H4sIA|AAEAAAD\/|\/wE|gA[I-X]|BAh|[TQ]z[o-r]|YT[o-r]|Y29zCn|Y3Bvc2l4|Y250Cn|Y19fYnVpbHRpbl9f|Y2J1aWx0aW5z|Y3N1YnByb2Nlc3)/;
/** Any opening: base64 ones, hex `aced0005`, PHP objects, pickle protocol 0, typed documents, node-serialize. */
const trigger = new RegExp(
  `${base64Start.source}|[aA][cC][eE][dD]0005|[OC]:\\+?\\d|c(?:os|posix|nt|subprocess|builtins|__builtin__)\\n|[@$]type|!!|!ruby/|<java|dynamic-proxy|sorted-set|\\["[a-z]+\\.|_\\$\\$ND_FUNC`,
);
const base64Token = new RegExp(`${base64Start.source}[A-Za-z0-9+/_ -]*={0,2}`, 'g');
const hexToken = /[aA][cC][eE][dD]0005(?:[0-9a-fA-F]{2})*/g;
const base64Alphabet = /[A-Za-z0-9+/_-]/;
/** Characters of one token decoded: 64 KiB of text, as a body is judged. */
const maxToken = 64 * 1024;
const minToken = 12;
/**
 * gzip tokens inflated per value: an inflate costs a fraction of a millisecond however short its input, so a value of
 * thousands of `H4sIA…` tokens would cost seconds. Decoding the others costs in proportion to their length.
 */
const maxInflated = 2;

/** Base64 as servers take it: URL-safe letters, and `+` a form decoding turned into a space. */
const fromBase64 = (token: string): Uint8Array =>
  Buffer.from(
    token.slice(0, maxToken).replaceAll(' ', '+').replaceAll('-', '+').replaceAll('_', '/'),
    'base64',
  );

const stronger = (a: Serialized | undefined, b: Serialized | undefined): Serialized | undefined =>
  a === undefined || (a.gadget === undefined && b?.gadget !== undefined) ? b : a;

/** Each token that starts a base64 run (not in the middle of one), decoded and judged; the strongest finding. */
const base64Tokens = (text: string): Serialized | undefined => {
  let best: Serialized | undefined;
  let inflated = 0;
  for (const match of text.matchAll(base64Token)) {
    const token = match[0].trimEnd();
    const before = text[match.index - 1];
    if (token.length < minToken || (before !== undefined && base64Alphabet.test(before))) continue;
    if (token.startsWith('H4sI') && ++inflated > maxInflated) continue;
    best = stronger(best, through(serializedBytes(fromBase64(token)), 'base64'));
    if (best?.gadget !== undefined) return best;
  }
  return best;
};

const hexTokens = (text: string): Serialized | undefined => {
  for (const match of text.matchAll(hexToken)) {
    const found = through(serializedBytes(Buffer.from(match[0].slice(0, maxToken), 'hex')), 'hex');
    if (found !== undefined) return found;
  }
  return undefined;
};

/** Pickle protocol 0 sent as text: the octets of the value from its first `c` GLOBAL or `(` MARK. */
const pickleText = (text: string): Serialized | undefined => {
  const at = text.search(/(?:^|[(])c(?:os|posix|nt|subprocess|builtins|__builtin__)\n/);
  return at < 0 ? undefined : serializedBytes(Buffer.from(text.slice(at, at + maxToken), 'latin1'));
};

/** Whether `value` holds one of the formats' openings: the one test most values get. */
export const hasSerializedOpening = (value: string): boolean => trigger.test(value);

/** What a value with an opening deserializes as; undefined when it is not an object after all. */
export const judgeSerialized = (value: string): Serialized | undefined => {
  let best = base64Tokens(value);
  for (const judge of [hexTokens, phpSerialized, pickleText, typedDocument]) {
    if (best?.gadget !== undefined) return best;
    best = stronger(best, judge(value));
  }
  return best;
};

/** What `value` (decoded) deserializes as; undefined for ordinary values. */
export const deserializationVerdict = (value: string): Serialized | undefined =>
  hasSerializedOpening(value) ? judgeSerialized(value) : undefined;
