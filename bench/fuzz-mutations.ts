/**
 * Hostile packets for the fuzz benchmark, made from real frames (Ethernet/IPv4 from the synthetic capture):
 * bit flips, truncation, corrupted length fields, foreign payloads, pure noise, and the same IP packet under
 * other link types. Deterministic for a seed.
 */

export type Rand = (n: number) => number;

/** xorshift32: fast, seeded, good enough to pick mutations. */
export const seededRand = (seed: number): Rand => {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
};

const ethernetHeader = 14;

/** LINKTYPE_* values the decoder reads, plus values it must refuse (tcpdump.org/linktypes.html). */
export const fuzzLinkTypes = [1, 1, 1, 1, 0, 101, 12, 14, 108, 113, 228, 229, 276, 105, 127, 65535] as const;

const randomBytes = (rand: Rand, length: number): Uint8Array => {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rand(256);
  return out;
};

const flipBits = (frame: Uint8Array, rand: Rand): Uint8Array => {
  const out = frame.slice();
  const flips = 1 + rand(16);
  for (let i = 0; i < flips && out.length > 0; i++) {
    const at = rand(out.length);
    out[at] = (out[at] ?? 0) ^ (1 << rand(8));
  }
  return out;
};

/** IPv4 total length and header length, TCP data offset, UDP length: each set to an arbitrary value. */
const corruptLengths = (frame: Uint8Array, rand: Rand): Uint8Array => {
  const out = frame.slice();
  const ip = ethernetHeader;
  const ihl = ((out[ip] ?? 0x45) & 0x0f) * 4;
  const l4 = ip + ihl;
  const field = rand(5);
  const set16 = (at: number, value: number) => {
    if (at + 1 < out.length) {
      out[at] = value >>> 8;
      out[at + 1] = value & 0xff;
    }
  };
  if (field === 0) set16(ip + 2, rand(65536));
  else if (field === 1 && ip < out.length) out[ip] = 0x40 | rand(16);
  else if (field === 2 && l4 + 12 < out.length) out[l4 + 12] = (rand(16) << 4) | ((out[l4 + 12] ?? 0) & 0x0f);
  else if (field === 3) set16(l4 + 4, rand(65536));
  else set16(ip + 6, rand(65536)); // flags and fragment offset: a stray fragment
  return out;
};

/** Headers of one real packet with the payload bytes of another (or noise): parsers meet foreign protocols. */
const foreignPayload = (frame: Uint8Array, other: Uint8Array, rand: Rand): Uint8Array => {
  const keep = Math.min(frame.length, 54);
  const tail = rand(2) === 0 ? other.subarray(Math.min(other.length, 54)) : randomBytes(rand, rand(1500));
  const out = new Uint8Array(keep + tail.length);
  out.set(frame.subarray(0, keep), 0);
  out.set(tail, keep);
  return out;
};

/** One mutated (or, one time in three, intact) frame from the seed frames; Ethernet framing. */
export const mutate = (frames: readonly Uint8Array[], rand: Rand): Uint8Array => {
  const frame = frames[rand(frames.length)] as Uint8Array;
  const kind = rand(20);
  if (kind < 7) return frame;
  if (kind < 11) return flipBits(frame, rand);
  if (kind < 13) return frame.subarray(0, rand(frame.length + 1));
  if (kind < 16) return corruptLengths(frame, rand);
  if (kind < 19) return foreignPayload(frame, frames[rand(frames.length)] as Uint8Array, rand);
  return randomBytes(rand, rand(2048));
};

/** The IP packet of an Ethernet frame under another link type's header, so non-Ethernet decoders see real IP. */
export const relink = (frame: Uint8Array, linkType: number, rand: Rand): Uint8Array => {
  const ip = frame.subarray(Math.min(frame.length, ethernetHeader));
  const etherType = [frame[12] ?? 8, frame[13] ?? 0];
  const withHeader = (header: number[]): Uint8Array => {
    const out = new Uint8Array(header.length + ip.length);
    out.set(header, 0);
    out.set(ip, header.length);
    return out;
  };
  switch (linkType) {
    case 1:
      return frame;
    case 0:
      return withHeader([2, 0, 0, 0]); // BSD loopback, AF_INET in host order
    case 108:
      return withHeader([0, 0, 0, 2]); // OpenBSD loop, network order
    case 113:
      return withHeader([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0, ...etherType]);
    case 276:
      return withHeader([...etherType, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0]);
    case 12:
    case 14:
    case 101:
    case 228:
    case 229:
      return ip;
    default:
      return rand(2) === 0 ? frame : ip;
  }
};
