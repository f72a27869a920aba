/**
 * The RFB handshake (RFC 6143, the VNC protocol): each side's ProtocolVersion (`RFB 003.008\n`), the security types
 * the server offers (version 3.7 and later: a count and the types; 3.3: one 32-bit type), the client's choice, the
 * SecurityResult (and version 3.8's reason on failure), and the ServerInit's desktop size and name.
 */
import type { Read } from './handshake-read.ts';
import { latin1, u16be, u32be } from './wire-bytes.ts';

const versionLine = /^RFB \d{3}\.\d{3}\n$/;

/** `RFB xxx.yyy\n`: the version as `3.8`. */
export const readVersion = (b: Uint8Array, at: number): Read<{ version: string }> => {
  if (b.length < at + 12) return isVersionPrefix(b, at) ? 'short' : undefined;
  const text = latin1(b, at, at + 12);
  if (!versionLine.test(text)) return undefined;
  return { version: `${Number(text.slice(4, 7))}.${Number(text.slice(8, 11))}`, size: 12 };
};

/** A true prefix of some `RFB xxx.yyy\n`. */
const isVersionPrefix = (b: Uint8Array, at: number): boolean => {
  const shape = 'RFB 000.000\n';
  for (let i = at; i < b.length; i++) {
    const x = b[i] as number;
    const want = shape.charCodeAt(i - at);
    if (want === 0x30 ? x < 0x30 || x > 0x39 : x !== want) return false;
  }
  return true;
};

const securityNames: Readonly<Record<number, string>> = {
  0: 'invalid',
  1: 'none',
  2: 'vnc-auth',
  5: 'ra2',
  6: 'ra2ne',
  16: 'tight',
  17: 'ultra',
  18: 'tls',
  19: 'vencrypt',
  20: 'sasl',
  21: 'md5',
  22: 'xvp',
  30: 'apple-dh',
  129: 'ultra-mslogon',
};

export const securityName = (type: number): string => securityNames[type] ?? `type-${type}`;

/** A length-prefixed reason (32-bit length, at most 1 KiB read). */
const readReason = (b: Uint8Array, at: number): Read<{ reason: string }> => {
  if (b.length < at + 4) return 'short';
  const length = u32be(b, at);
  if (length > 65_536) return undefined;
  if (b.length < at + 4 + length) return 'short';
  return { reason: latin1(b, at + 4, at + 4 + Math.min(length, 1024)), size: 4 + length };
};

/** Version 3.7 and later: a count and the types, or a zero count and the reason the server refuses. */
export const readSecurityTypes = (b: Uint8Array, at: number): Read<{ types: number[]; reason?: string }> => {
  const count = b[at];
  if (count === undefined) return 'short';
  if (count === 0) {
    const reason = readReason(b, at + 1);
    return reason === undefined || reason === 'short'
      ? reason
      : { types: [], reason: reason.reason, size: 1 + reason.size };
  }
  if (b.length < at + 1 + count) return 'short';
  return { types: Array.from(b.subarray(at + 1, at + 1 + count)), size: 1 + count };
};

/** Version 3.3: the server decides, a 32-bit type (0 followed by a reason). */
export const readSecurityType33 = (b: Uint8Array, at: number): Read<{ types: number[]; reason?: string }> => {
  if (b.length < at + 4) return 'short';
  const type = u32be(b, at);
  if (type > 255) return undefined;
  if (type !== 0) return { types: [type], size: 4 };
  const reason = readReason(b, at + 4);
  return reason === undefined || reason === 'short'
    ? reason
    : { types: [], reason: reason.reason, size: 4 + reason.size };
};

/** SecurityResult: 0 OK, 1 failed (version 3.8 adds a reason), 2 too many attempts (some servers). */
export const readSecurityResult = (
  b: Uint8Array,
  at: number,
  withReason: boolean,
): Read<{ ok: boolean; reason?: string }> => {
  if (b.length < at + 4) return 'short';
  const result = u32be(b, at);
  if (result > 2) return undefined;
  if (result === 0) return { ok: true, size: 4 };
  if (!withReason) return { ok: false, size: 4 };
  const reason = readReason(b, at + 4);
  return reason === undefined || reason === 'short'
    ? reason
    : { ok: false, reason: reason.reason, size: 4 + reason.size };
};

/** ServerInit: width, height, a 16-octet pixel format, the desktop's name. */
export const readServerInit = (
  b: Uint8Array,
  at: number,
): Read<{ width: number; height: number; name: string }> => {
  if (b.length < at + 24) return 'short';
  const reason = readReason(b, at + 20);
  if (reason === undefined || reason === 'short') return reason;
  return { width: u16be(b, at), height: u16be(b, at + 2), name: reason.reason, size: 20 + reason.size };
};
