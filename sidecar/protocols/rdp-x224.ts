/**
 * RDP's connection opening ([MS-RDPBCGR] §2.2.1.1, §2.2.1.2): a TPKT (RFC 1006: version 3, reserved 0, a 2-octet
 * length counting itself) around an X.224 class 0 Connection Request (0xE0) from the client, with an optional routing
 * token or `Cookie: mstshash=NAME` line and an optional RDP_NEG_REQ, or the server's Connection Confirm (0xD0) with an
 * optional RDP_NEG_RSP or RDP_NEG_FAILURE. Read strictly: every length must agree and nothing may be left over.
 */
import { latin1, u16be, u32le } from './wire-bytes.ts';

export type ConnectionRequest = {
  /** The `mstshash` cookie's name (a user name, or what the client was told to send), at most 64 characters. */
  user?: string;
  /** A load balancer's routing token (`Cookie: msts=…`), at most 64 characters. */
  token?: string;
  /** RDP_NEG_REQ's requestedProtocols; absent when the client sent none (Standard RDP Security only). */
  requested?: number;
  /** RDP_NEG_REQ's flags (RESTRICTED_ADMIN_MODE_REQUIRED 0x01, REDIRECTED_AUTHENTICATION_MODE_REQUIRED 0x02). */
  flags?: number;
};

export type ConnectionConfirm =
  /**
   * `selected`: RDP_NEG_RSP's selectedProtocol; `bare` when the server sent none, which means Standard RDP Security (0)
   * for now, though a server may still end the session at its next message (xrdp with `security_layer=tls` does).
   */
  { kind: 'negotiated'; selected: number; bare?: true } | { kind: 'failure'; code: number };

/** The TPKT header's length, or -1 when the octets are no TPKT (RFC 1006 §6: version 3, reserved 0, at least 7). */
export const tpktLength = (b: Uint8Array): number => {
  if (b[0] !== 3 || (b.length > 1 && b[1] !== 0)) return -1;
  if (b.length < 4) return 0;
  const length = u16be(b, 2);
  return length >= 7 ? length : -1;
};

/** An X.224 TPDU of `code` (0xE0, 0xD0) filling the TPKT: LI counts the TPDU's octets after itself (X.224 §13.3). */
const x224Body = (b: Uint8Array, code: number): Uint8Array | undefined => {
  const length = tpktLength(b);
  if (length < 11 || b.length < length || b[4] !== length - 5 || b[5] !== code) return undefined;
  // DST-REF is zero in a request (X.224 §13.3.3); class 0 without options.
  if (code === 0xe0 && (b[6] !== 0 || b[7] !== 0)) return undefined;
  if (((b[10] ?? 0) & 0xf0) !== 0) return undefined;
  return b.subarray(11, length);
};

const crlf = (b: Uint8Array): number => {
  for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0x0d && b[i + 1] === 0x0a) return i;
  return -1;
};

/** The routing token or cookie line (§2.2.1.1): `Cookie: mstshash=NAME\r\n` or a token ending in CR LF. */
const readCookie = (b: Uint8Array, request: ConnectionRequest): number => {
  if (latin1(b, 0, 8) !== 'Cookie: ') return 0;
  const end = crlf(b);
  if (end < 0) return -1;
  // Control characters as `.`: the line is told as it is, in a detail that may be printed.
  const line = latin1(b, 8, Math.min(end, 8 + 9 + 64)).replace(/[\x00-\x1f\x7f]/g, '.');
  if (line.startsWith('mstshash=')) request.user = line.slice(9, 9 + 64);
  else request.token = line.slice(0, 64);
  return end + 2;
};

/** RDP_NEG_REQ (type 1, length 8), then RDP_NEG_CORRELATION_INFO (type 6, length 36) when flagged (0x08). */
const readNegotiation = (b: Uint8Array, at: number, request: ConnectionRequest): boolean => {
  if (at === b.length) return true;
  if (b[at] !== 1 || (b[at + 2] ?? 0) + ((b[at + 3] ?? 0) << 8) !== 8 || b.length < at + 8) return false;
  request.flags = b[at + 1] ?? 0;
  request.requested = u32le(b, at + 4);
  const rest = b.length - at - 8;
  if (rest === 0) return true;
  return (
    rest === 36 && (request.flags & 0x08) !== 0 && b[at + 8] === 6 && b[at + 10] === 36 && b[at + 11] === 0
  );
};

/** The client's Connection Request, or undefined when the octets are not one (or not all there). */
export const readConnectionRequest = (b: Uint8Array): ConnectionRequest | undefined => {
  const body = x224Body(b, 0xe0);
  if (body === undefined) return undefined;
  // An empty request is RDP's only with SRC-REF 0, as every RDP client sends it (nDPI's test too).
  if (body.length === 0) return b[8] === 0 && b[9] === 0 ? {} : undefined;
  const request: ConnectionRequest = {};
  const at = readCookie(body, request);
  return at >= 0 && readNegotiation(body, at, request) ? request : undefined;
};

/** selectedProtocol is one of RDP 0, SSL 1, HYBRID 2, RDSTLS 4, HYBRID_EX 8, RDSAAD 0x10 (§2.2.1.2.1). */
const selectable = new Set([0, 1, 2, 4, 8, 0x10]);

/** The server's Connection Confirm: RDP_NEG_RSP (type 2), RDP_NEG_FAILURE (type 3, flags 0), or nothing. */
export const readConnectionConfirm = (b: Uint8Array): ConnectionConfirm | undefined => {
  const body = x224Body(b, 0xd0);
  if (body === undefined) return undefined;
  if (body.length === 0) return { kind: 'negotiated', selected: 0, bare: true };
  if (body.length !== 8 || body[2] !== 8 || body[3] !== 0) return undefined;
  const value = u32le(body, 4);
  if (body[0] === 2 && selectable.has(value)) return { kind: 'negotiated', selected: value };
  if (body[0] === 3 && body[1] === 0 && value >= 1 && value <= 6) return { kind: 'failure', code: value };
  return undefined;
};
