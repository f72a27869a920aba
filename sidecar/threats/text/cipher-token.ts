/**
 * The octets of a value that looks like a block cipher's output, as an application hands one to its clients and reads
 * it back (an encrypted cookie, a `WebResource.axd?d=` token, a view state): base64, base64url or hex of at least
 * two 8-octet blocks (a vector and one block), a whole number of blocks, and random-looking once decoded: not mostly
 * printable text (base64 of JSON or of a name), and many different octet values (not a zero-padded number in hex).
 * Undefined for anything else.
 */

/** Shortest token judged: 32 octets (a 16-octet vector and one block) are 43 base64 characters. */
export const minTokenLength = 43;
/** Longest token judged, in characters: 4 KiB of octets in base64. */
export const maxTokenLength = 5464;

const base64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const hex = /^[0-9a-fA-F]+$/;

/** Share of printable ASCII octets above which the octets are text, not ciphertext (random octets: about 37%). */
const maxPrintable = 0.75;

const seen = new Uint32Array(8);

/** True when the octets look random: few printable, and at least a quarter as many different values as octets. */
const looksRandom = (bytes: Uint8Array): boolean => {
  seen.fill(0);
  let printable = 0;
  let distinct = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b >= 0x20 && b < 0x7f) printable += 1;
    const bit = 1 << (b & 31);
    if (((seen[b >> 5] as number) & bit) === 0) {
      seen[b >> 5] = (seen[b >> 5] as number) | bit;
      distinct += 1;
    }
  }
  return printable <= bytes.length * maxPrintable && distinct >= Math.min(64, bytes.length / 4);
};

const decode = (value: string): Uint8Array | undefined => {
  if (value.length % 2 === 0 && hex.test(value)) return Buffer.from(value, 'hex');
  // A form or query decoding turns an unescaped `+` into a space.
  const text = value.includes(' ') ? value.replaceAll(' ', '+') : value;
  return base64.test(text) ? Buffer.from(text, 'base64') : undefined;
};

export const cipherToken = (value: string): Uint8Array | undefined => {
  if (value.length < minTokenLength || value.length > maxTokenLength) return undefined;
  const bytes = decode(value);
  if (bytes === undefined || bytes.length < 32 || bytes.length % 8 !== 0) return undefined;
  return looksRandom(bytes) ? bytes : undefined;
};
