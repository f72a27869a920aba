/**
 * One STUN message (RFC 8489 §5, §14): two zero bits, a 14-bit type (method and class), a length that is a multiple
 * of 4, the magic cookie 0x2112A442, a 12-octet transaction id, then attributes (type, length, value padded to 4)
 * that end exactly where the length says. RFC 3489's classic STUN has no cookie and is not read (docs/protocols.md).
 */
import { u16be } from './wire-bytes.ts';

export const stunHeaderLength = 20;
export const magicCookie = 0x2112a442;

export type StunClass = 'request' | 'indication' | 'success' | 'error';
const classes: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

export type StunAttribute = { type: number; value: Uint8Array };

export type StunMessage = {
  /** The 12-bit method (RFC 8489 §5: M0-M11 around the class bits). */
  method: number;
  class: StunClass;
  /** The 12-octet transaction id, as hex: what pairs an answer with its request. */
  transaction: string;
  attributes: readonly StunAttribute[];
  /** The whole message, header included (the FINGERPRINT covers it). */
  bytes: Uint8Array;
};

/** Attributes walked per message at most: a message of 64 KiB of empty attributes is 16,384 of them. */
const maxAttributes = 128;

/** True when `b[at..]` opens a STUN header: first octet 0x00 or 0x01 (methods 0x000-0x07F) and the cookie at 4. */
export const opensStunHeader = (b: Uint8Array, at = 0): boolean =>
  ((b[at] ?? 0xff) & 0xfe) === 0 &&
  b[at + 4] === 0x21 &&
  b[at + 5] === 0x12 &&
  b[at + 6] === 0xa4 &&
  b[at + 7] === 0x42;

/** The message length field of a header at `at` (the octets after the 20-octet header). */
export const stunBodyLength = (b: Uint8Array, at = 0): number => u16be(b, at + 2);

const methodOf = (type: number): number => (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
const classOf = (type: number): StunClass => classes[((type >> 4) & 1) | ((type >> 7) & 2)] as StunClass;

/**
 * Walks the attributes of `b[start, end)`: undefined when one runs past the end, when they do not end exactly at it,
 * or past `maxAttributes`.
 */
const walkAttributes = (b: Uint8Array, start: number, end: number): StunAttribute[] | undefined => {
  const attributes: StunAttribute[] = [];
  let at = start;
  while (at < end) {
    if (at + 4 > end || attributes.length >= maxAttributes) return undefined;
    const length = u16be(b, at + 2);
    const next = at + 4 + ((length + 3) & ~3);
    if (next > end) return undefined;
    attributes.push({ type: u16be(b, at), value: b.subarray(at + 4, at + 4 + length) });
    at = next;
  }
  return attributes;
};

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * The STUN message at `b[at..]` whose whole length is present, or undefined when the octets there are not one (the
 * cheap checks first: the first octet and the cookie, then the length, then the attribute walk). Method 0 is reserved
 * and taken by no stack, so a zero type is refused too (a SOCKS 5 UDP header opens with two zero octets).
 */
export const readStunMessage = (b: Uint8Array, at = 0): StunMessage | undefined => {
  if (!opensStunHeader(b, at)) return undefined;
  const length = stunBodyLength(b, at);
  const type = u16be(b, at);
  const method = methodOf(type);
  if ((length & 3) !== 0 || method === 0 || at + stunHeaderLength + length > b.length) return undefined;
  const end = at + stunHeaderLength + length;
  const attributes = walkAttributes(b, at + stunHeaderLength, end);
  if (attributes === undefined) return undefined;
  return {
    method,
    class: classOf(type),
    transaction: hex(b.subarray(at + 8, at + 20)),
    attributes,
    bytes: b.subarray(at, end),
  };
};
