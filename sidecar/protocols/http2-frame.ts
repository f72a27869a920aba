/** HTTP/2 frame header and payload helpers (RFC 9113 §4.1, §6). */

/** Frame types (RFC 9113 §6). */
export const frameType = {
  data: 0x0,
  headers: 0x1,
  priority: 0x2,
  rstStream: 0x3,
  settings: 0x4,
  pushPromise: 0x5,
  ping: 0x6,
  goaway: 0x7,
  windowUpdate: 0x8,
  continuation: 0x9,
} as const;

/** Frame flags (RFC 9113 §6.1, §6.2). */
export const frameFlag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const;

export const frameHeaderLength = 9;

export type FrameHeader = { length: number; type: number; flags: number; streamId: number };

/** §4.1: 24-bit length, 8-bit type, 8-bit flags, 1 reserved bit and a 31-bit stream identifier. */
export const readFrameHeader = (bytes: Uint8Array, at: number): FrameHeader => ({
  length: ((bytes[at] ?? 0) << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0),
  type: bytes[at + 3] ?? 0,
  flags: bytes[at + 4] ?? 0,
  streamId:
    (((bytes[at + 5] ?? 0) & 0x7f) << 24) |
    ((bytes[at + 6] ?? 0) << 16) |
    ((bytes[at + 7] ?? 0) << 8) |
    (bytes[at + 8] ?? 0),
});

/** Strips the Pad Length octet and padding (§6.1, §6.2, §6.6); undefined when padding exceeds the payload. */
export const unpad = (payload: Uint8Array, flags: number): Uint8Array | undefined => {
  if ((flags & frameFlag.padded) === 0) return payload;
  const padLength = payload[0];
  if (padLength === undefined || padLength >= payload.length) return undefined;
  return payload.subarray(1, payload.length - padLength);
};

/** The header block fragment of a HEADERS (§6.2) or PUSH_PROMISE (§6.6) payload. */
export const headerFragment = (header: FrameHeader, payload: Uint8Array): Uint8Array | undefined => {
  const body = unpad(payload, header.flags);
  if (body === undefined) return undefined;
  if (header.type === frameType.pushPromise) return body.length >= 4 ? body.subarray(4) : undefined;
  if ((header.flags & frameFlag.priority) === 0) return body;
  return body.length >= 5 ? body.subarray(5) : undefined;
};

const u32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at] ?? 0) * 2 ** 24 +
  ((bytes[at + 1] ?? 0) << 16) +
  ((bytes[at + 2] ?? 0) << 8) +
  (bytes[at + 3] ?? 0);

/** Setting ids 1..6 (RFC 9113 §6.5.2), 8 (RFC 8441), 9 (RFC 9218), and reserved GREASE ids 0x?a?a. */
const isKnownSetting = (id: number): boolean =>
  (id >= 1 && id <= 6) || id === 8 || id === 9 || (id & 0x0f0f) === 0x0a0a;

const isPlausibleSetting = (id: number, value: number): boolean => {
  if (!isKnownSetting(id)) return false;
  if (id === 2 || id === 8) return value <= 1;
  if (id === 4) return value <= 0x7fffffff;
  return id !== 5 || (value >= 16384 && value <= 0xffffff);
};

/** §6.5: a SETTINGS payload is a multiple of 6 octets of (id, value) with values in their ranges (§6.5.2). */
export const isPlausibleSettings = (payload: Uint8Array): boolean => {
  if (payload.length % 6 !== 0) return false;
  for (let at = 0; at < payload.length; at += 6) {
    if (!isPlausibleSetting(((payload[at] ?? 0) << 8) | (payload[at + 1] ?? 0), u32(payload, at + 2)))
      return false;
  }
  return true;
};
