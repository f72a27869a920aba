/**
 * WireGuard's four messages (the WireGuard paper §5.4.2–§5.4.6; the kernel's `drivers/net/wireguard/messages.h`): a
 * type octet, three reserved zero octets, then fixed fields. Indexes are little-endian 32-bit values each side picks
 * at random; a response names the initiation it answers by echoing that initiation's sender index as its receiver.
 */

export type WireguardMessage =
  /** 148 octets: sender index, ephemeral key, encrypted static key and timestamp, mac1, mac2. */
  | { type: 'initiation'; sender: number; cookie: boolean }
  /** 92 octets: sender and receiver indexes, ephemeral key, an empty encrypted payload, mac1, mac2. */
  | { type: 'response'; sender: number; receiver: number; cookie: boolean }
  /** 64 octets: receiver index, nonce, encrypted cookie: the responder is under load (§5.4.7). */
  | { type: 'cookie-reply'; receiver: number }
  /** At least 32 octets: receiver index, 64-bit counter, the encrypted packet (padded to 16) and its 16-octet tag. */
  | { type: 'transport'; receiver: number; counter: number; payload: number };

export const initiationLength = 148;
export const responseLength = 92;
export const cookieReplyLength = 64;
/** Header (16) and the AEAD tag (16): a keepalive is exactly this, an empty encrypted packet. */
export const minTransportLength = 32;

const u32le = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;

/** True when any of `b[start, start + 16)` is not zero (a MAC that was computed; mac2 is zero without a cookie). */
const macSet = (b: Uint8Array, start: number): boolean => {
  for (let i = start; i < start + 16; i++) if (b[i] !== 0) return true;
  return false;
};

/**
 * A transport counter starts at 0 with each key pair, and a key pair lives at most Reject-After-Time (180 s, §6.1):
 * at any real packet rate it stays below 2^40, so its three top octets (little-endian) are zero.
 */
const plausibleCounter = (b: Uint8Array): boolean => b[13] === 0 && b[14] === 0 && b[15] === 0;

const readTransport = (b: Uint8Array): WireguardMessage | undefined => {
  if (b.length < minTransportLength || (b.length - 16) % 16 !== 0 || !plausibleCounter(b)) return undefined;
  const counter = u32le(b, 8) + u32le(b, 12) * 0x1_0000_0000;
  return { type: 'transport', receiver: u32le(b, 4), counter, payload: b.length - minTransportLength };
};

/** One datagram as a WireGuard message, or undefined when its type, reserved octets or length do not hold. */
export const readWireguardMessage = (b: Uint8Array): WireguardMessage | undefined => {
  if (b.length < minTransportLength || b[1] !== 0 || b[2] !== 0 || b[3] !== 0) return undefined;
  switch (b[0]) {
    case 1:
      if (b.length !== initiationLength || !macSet(b, 116)) return undefined;
      return { type: 'initiation', sender: u32le(b, 4), cookie: macSet(b, 132) };
    case 2:
      if (b.length !== responseLength || !macSet(b, 60)) return undefined;
      return { type: 'response', sender: u32le(b, 4), receiver: u32le(b, 8), cookie: macSet(b, 76) };
    case 3:
      return b.length === cookieReplyLength ? { type: 'cookie-reply', receiver: u32le(b, 4) } : undefined;
    case 4:
      return readTransport(b);
    default:
      return undefined;
  }
};

/** An index as eight hex digits, as `wg show` and the kernel's debug messages print them. */
export const indexText = (index: number): string => index.toString(16).padStart(8, '0');
