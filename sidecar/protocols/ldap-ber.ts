/** The subset of BER that LDAP uses (RFC 4511 §5.1, X.690 §8.1): definite lengths, single-byte tags. */

export type Tlv = { tag: number; start: number; contentStart: number; end: number };

/** The TLV at `at`: tag, where its content starts and ends; `need-more` when its header is cut, `bad` when invalid. */
export const readTlv = (b: Uint8Array, at: number): Tlv | 'need-more' | 'bad' => {
  const tag = b[at];
  const first = b[at + 1];
  if (tag === undefined || first === undefined) return 'need-more';
  // Multi-byte tags (low bits 11111) never occur in LDAP; 0x80 (indefinite length) is forbidden by RFC 4511 §5.1.
  if ((tag & 0x1f) === 0x1f || first === 0x80 || first > 0x84) return 'bad';
  if (first < 0x80) return { tag, start: at, contentStart: at + 2, end: at + 2 + first };
  const n = first & 0x7f;
  if (b.length < at + 2 + n) return 'need-more';
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + (b[at + 2 + i] ?? 0);
  return { tag, start: at, contentStart: at + 2 + n, end: at + 2 + n + length };
};

/** The whole TLV at `at` when it lies before `end` (inside its parent); undefined when cut, invalid or past it. */
export const tlvWithin = (b: Uint8Array, at: number, end: number): Tlv | undefined => {
  const tlv = at < end ? readTlv(b, at) : undefined;
  return typeof tlv === 'object' && tlv.end <= end ? tlv : undefined;
};

/** A non-negative INTEGER or ENUMERATED value of at most 4 bytes, or -1. */
export const berInteger = (b: Uint8Array, tlv: Tlv): number => {
  const n = tlv.end - tlv.contentStart;
  if (n < 1 || n > 4 || (b[tlv.contentStart] ?? 0) & 0x80) return -1;
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.end; i++) value = value * 256 + (b[i] ?? 0);
  return value;
};
