/**
 * OpenVPN's packets (`src/openvpn/ssl_pkt.h`, `reliable.c`, `tls_crypt.h`; the man page's `--tls-auth` and
 * `--tls-crypt`): an opcode in the high five bits of the first octet and a key id in the low three, then, on the
 * control channel, the sender's 8-octet session id. With `--tls-auth` an HMAC (16–64 octets, the `--auth` digest), a
 * replay packet id and a time follow; with `--tls-crypt` the packet id and time come first, then a 32-octet tag and
 * everything else encrypted. In the clear (plain and tls-auth) comes the ack array: a count (at most 8), the packet
 * ids acknowledged and, when there are any, the peer's session id; then, except in an ACK, the message packet id and
 * the payload (the control channel's TLS records). Hard resets carry no payload, or early-negotiation TLVs (2.6).
 */

export type OpenvpnMode = 'plain' | 'tls-auth' | 'tls-crypt' | 'tls-crypt-v2';

export const opcodes = {
  hardResetClientV1: 1,
  hardResetServerV1: 2,
  softResetV1: 3,
  controlV1: 4,
  ackV1: 5,
  dataV1: 6,
  hardResetClientV2: 7,
  hardResetServerV2: 8,
  dataV2: 9,
  hardResetClientV3: 10,
  controlWkcV1: 11,
} as const;

export const opcodeOf = (first: number): number => first >>> 3;
export const keyIdOf = (first: number): number => first & 7;

export const isControl = (op: number): boolean => op >= 1 && op <= 11 && op !== 6 && op !== 9;
export const isData = (op: number): boolean => op === opcodes.dataV1 || op === opcodes.dataV2;
export const isClientReset = (op: number): boolean =>
  op === opcodes.hardResetClientV2 || op === opcodes.hardResetClientV3;

/** The `--auth` digests' sizes, commonest first: SHA1 (the default), SHA256, SHA512, MD5, SHA384, SHA224. */
const hmacSizes = [20, 32, 64, 16, 48, 28] as const;
const tagSize = 32;
/** RELIABLE_ACK_SIZE: acks one packet carries at most. */
const maxAcks = 8;
/** Early-negotiation TLV (ssl_pkt.h TLV_TYPE_EARLY_NEG_FLAGS): type 0x0001, length 2, the flags. */
const earlyNegLength = 6;

const u32 = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;

/** tls-auth's and tls-crypt's replay id starts at 1 and grows by one per control packet: a reset's is small. */
const plausiblePacketId = (b: Uint8Array, at: number): boolean => {
  const id = u32(b, at);
  return id >= 1 && id <= 0xffff;
};

/** The replay time is the sender's clock in seconds: between 2000 and 2100. */
const plausibleTime = (b: Uint8Array, at: number): boolean => {
  const t = u32(b, at);
  return t >= 0x386d4380 && t < 0xf4865700;
};

/** Octets after a reset's message packet id: none, or one early-negotiation TLV. */
const emptyOrTlv = (b: Uint8Array, at: number): boolean =>
  at === b.length ||
  (b.length - at === earlyNegLength && b[at] === 0 && b[at + 1] === 1 && b[at + 2] === 0 && b[at + 3] === 2);

/** Where the ack array starts in a clear control packet of this layout (after the session id and any HMAC block). */
const clearStart = (hmac: number): number => (hmac === 0 ? 9 : 9 + hmac + 8);

/**
 * A hard reset in the clear read at `start`: the ack array (none from a client; the client's id from a server),
 * the message packet id 0, nothing or a TLV after. Returns the peer session id's offset (-1 for none) or undefined.
 */
const clearReset = (b: Uint8Array, start: number, fromServer: boolean): number | undefined => {
  const acks = b[start];
  if (acks === undefined || acks > maxAcks || (fromServer ? acks === 0 : acks !== 0)) return undefined;
  const peer = start + 1 + acks * 4;
  const msg = acks === 0 ? peer : peer + 8;
  if (msg + 4 > b.length || u32(b, msg) !== 0) return undefined;
  return emptyOrTlv(b, msg + 4) ? (acks === 0 ? -1 : peer) : undefined;
};

export type ResetLayout = { mode: OpenvpnMode; hmac: number; peerSession: number };

/** tls-crypt's reset: id and time in the clear, the tag, then the ack array and message id encrypted (5 or 17 octets, plus a TLV). */
const cryptReset = (b: Uint8Array, op: number): ResetLayout | undefined => {
  if (!plausiblePacketId(b, 9) || !plausibleTime(b, 13)) return undefined;
  const encrypted = b.length - (9 + 8 + tagSize);
  if (op === opcodes.hardResetClientV3) {
    // tls-crypt-v2: the client's wrapped key follows, its own length (including these two octets) last.
    const wkc = ((b[b.length - 2] ?? 0) << 8) | (b[b.length - 1] ?? 0);
    const rest = encrypted - wkc;
    return wkc >= 2 && (rest === 5 || rest === 5 + earlyNegLength)
      ? { mode: 'tls-crypt-v2', hmac: 0, peerSession: -1 }
      : undefined;
  }
  const sizes = op === opcodes.hardResetServerV2 ? [17, 17 + earlyNegLength] : [5, 5 + earlyNegLength];
  return sizes.includes(encrypted) ? { mode: 'tls-crypt', hmac: 0, peerSession: -1 } : undefined;
};

/**
 * A client's (V2, V3) or server's (V2) hard reset with key id 0, as a whole packet (no TCP length): its layout, or
 * undefined when no layout holds exactly. Plain first, then tls-auth with each digest size, then tls-crypt.
 */
/** A reset in the clear: plain, or tls-auth with one of the digest sizes (its replay id and time where they belong). */
const clearLayout = (b: Uint8Array, fromServer: boolean): ResetLayout | undefined => {
  const plain = clearReset(b, 9, fromServer);
  if (plain !== undefined) return { mode: 'plain', hmac: 0, peerSession: plain };
  for (const hmac of hmacSizes) {
    if (!plausiblePacketId(b, 9 + hmac) || !plausibleTime(b, 13 + hmac)) continue;
    const peer = clearReset(b, clearStart(hmac), fromServer);
    if (peer !== undefined) return { mode: 'tls-auth', hmac, peerSession: peer };
  }
  return undefined;
};

const resetOpcodes: readonly number[] = [
  opcodes.hardResetClientV2,
  opcodes.hardResetServerV2,
  opcodes.hardResetClientV3,
];

/**
 * A client's (V2, V3) or server's (V2) hard reset with key id 0, as a whole packet (no TCP length): its layout, or
 * undefined when no layout holds exactly. Plain first, then tls-auth with each digest size, then tls-crypt (V3, the
 * client's reset of tls-crypt-v2, only that).
 */
export const readReset = (b: Uint8Array): ResetLayout | undefined => {
  const first = b[0] ?? 0;
  const op = opcodeOf(first);
  if (keyIdOf(first) !== 0 || b.length < 14 || !resetOpcodes.includes(op)) return undefined;
  const clear =
    op === opcodes.hardResetClientV3 ? undefined : clearLayout(b, op === opcodes.hardResetServerV2);
  return clear ?? cryptReset(b, op);
};

/** A control packet in the clear (plain or tls-auth): its peer session id's offset (-1: none), message id, payload. */
export type ClearControl = { peerSession: number; messageId?: number; payload: Uint8Array };

const empty = new Uint8Array(0);

/** Reads a control packet's ack array and message id, for a flow whose layout is known (HMAC size `hmac`). */
export const readClearControl = (b: Uint8Array, hmac: number): ClearControl | undefined => {
  const start = clearStart(hmac);
  const acks = b[start];
  if (acks === undefined || acks > maxAcks) return undefined;
  const peer = start + 1 + acks * 4;
  const after = acks === 0 ? peer : peer + 8;
  if (after > b.length) return undefined;
  const peerSession = acks === 0 ? -1 : peer;
  if (opcodeOf(b[0] ?? 0) === opcodes.ackV1) return { peerSession, payload: empty };
  if (after + 4 > b.length) return undefined;
  return { peerSession, messageId: u32(b, after), payload: b.subarray(after + 4) };
};

/** Eight octets of a session id as hex. */
export const sessionText = (b: Uint8Array, at: number): string =>
  Buffer.from(b.buffer, b.byteOffset + at, Math.max(0, Math.min(8, b.length - at))).toString('hex');

export const opcodeNames: Record<number, string> = {
  1: 'P_CONTROL_HARD_RESET_CLIENT_V1',
  2: 'P_CONTROL_HARD_RESET_SERVER_V1',
  3: 'P_CONTROL_SOFT_RESET_V1',
  4: 'P_CONTROL_V1',
  5: 'P_ACK_V1',
  6: 'P_DATA_V1',
  7: 'P_CONTROL_HARD_RESET_CLIENT_V2',
  8: 'P_CONTROL_HARD_RESET_SERVER_V2',
  9: 'P_DATA_V2',
  10: 'P_CONTROL_HARD_RESET_CLIENT_V3',
  11: 'P_CONTROL_WKC_V1',
};
