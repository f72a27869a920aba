/** Decodes bytes as UTF-8 the way lenient servers do: overlong forms are decoded (IIS-style), not rejected. */

const replacement = 0xfffd;

/** Sequence length and the lead byte's payload bits for each lead byte; 0 marks a stray continuation. */
const leadInfo = (lead: number): [length: number, bits: number] => {
  if (lead < 0x80) return [1, lead];
  if (lead < 0xc0) return [0, 0];
  if (lead < 0xe0) return [2, lead & 0x1f];
  if (lead < 0xf0) return [3, lead & 0x0f];
  if (lead < 0xf8) return [4, lead & 0x07];
  if (lead < 0xfc) return [5, lead & 0x03];
  if (lead < 0xfe) return [6, lead & 0x01];
  return [0, 0];
};

/** Returns the code point and how many bytes it used; invalid sequences give U+FFFD and use one byte. */
const decodeAt = (bytes: ArrayLike<number>, at: number): [codePoint: number, used: number] => {
  const [length, bits] = leadInfo(bytes[at] ?? 0);
  if (length === 0) return [replacement, 1];
  let codePoint = bits;
  for (let i = 1; i < length; i++) {
    const next = bytes[at + i];
    if (next === undefined || (next & 0xc0) !== 0x80) return [replacement, 1];
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  return [codePoint > 0x10ffff || codePoint < 0 ? replacement : codePoint, length];
};

export const lenientUtf8 = (bytes: ArrayLike<number>): string => {
  let out = '';
  for (let at = 0; at < bytes.length; ) {
    const [codePoint, used] = decodeAt(bytes, at);
    out += String.fromCodePoint(codePoint);
    at += used;
  }
  return out;
};
