/**
 * One IKE message (RFC 7296 §3.1-§3.2 for IKEv2; RFC 2408 §3.1-§3.2 for ISAKMP, IKEv1's framing): the 28-octet header
 * (initiator SPI, responder SPI, next payload, version, exchange type, flags, message id, length) and the chain of
 * generic payload headers (next payload, critical bit and reserved, length), walked to exactly the message's end.
 * Cheap tests first: the version octet and the exchange type refuse almost every other datagram before the length and
 * the walk. IKEv2's SK payload (46) and its fragment SKF (53) hold the rest of the message encrypted: their length
 * must reach the end and nothing is walked inside; an IKEv1 message with the encryption flag is ciphertext after its
 * header, of whole cipher blocks.
 */
import { u16be, u32be } from './wire-bytes.ts';

export const headerLength = 28;
/** Payload types: IKEv2's SK and SKF (RFC 7383), IKEv1's SA, ID, HASH, vendor id and RFC 3947's NAT-D. */
export const payloadTypes = {
  sk: 46,
  skf: 53,
  v1Sa: 1,
  v1Id: 5,
  v1Hash: 8,
  v1Vendor: 13,
  v1NatD: 20,
} as const;
/** Payloads walked per message: strongSwan's largest first messages hold about a dozen. */
const maxPayloads = 64;

export type IkePayload = { type: number; critical: boolean; start: number; end: number };

export type IkeMessage = {
  version: 1 | 2;
  exchange: number;
  initiatorSpi: string;
  /** The responder's SPI is zero (an IKE_SA_INIT, main or aggressive mode request, or an answer refusing one). */
  responderZero: boolean;
  /** IKEv2: the sender is the original initiator (flag I). IKEv1 has no such flag: undefined. */
  fromInitiator: boolean | undefined;
  /** IKEv2: flag R. IKEv1: undefined (a message id and the exchange say it). */
  response: boolean | undefined;
  messageId: number;
  length: number;
  /** Payloads in the clear; an SK or SKF payload closes the list. */
  payloads: IkePayload[];
  /** Octets under encryption: the SK payload's, or an encrypted IKEv1 message's after its header. */
  encrypted: number;
};

/** RFC 7296 §3.1's exchange types and RFC 9242's IKE_INTERMEDIATE; IKE_SESSION_RESUME (38) and others are not. */
const v2Exchanges = new Set([34, 35, 36, 37, 43]);
/** RFC 2408 §3.1's Identity Protection (main mode), Aggressive, Informational; RFC 2409's Quick Mode; its New Group. */
const v1Exchanges = new Set([2, 4, 5, 32, 33]);
/** Flags IKEv2 defines: I (0x08), V (0x10), R (0x20); the others are sent as zero. */
const v2Flags = 0x38;
/** IKEv1's E (encryption), C (commit), A (authentication only). */
const v1Flags = 0x07;

const spiZero = (b: Uint8Array, at: number): boolean => {
  for (let i = at; i < at + 8; i++) if (b[i] !== 0) return false;
  return true;
};

const hex = (b: Uint8Array, start: number, end: number): string => {
  let out = '';
  for (let i = start; i < end; i++) out += (b[i] ?? 0).toString(16).padStart(2, '0');
  return out;
};

const knownType = (version: 1 | 2, type: number): boolean =>
  version === 2 ? (type >= 33 && type <= 48) || type === 53 : (type >= 1 && type <= 21) || type === 130;

type Walk = { payloads: IkePayload[]; encrypted: number };

/** The generic header at `at`: reserved bits zero (IKEv1 has no critical bit), a length of 4 or more inside. */
const payloadAt = (
  b: Uint8Array,
  version: 1 | 2,
  type: number,
  at: number,
  length: number,
): IkePayload | undefined => {
  if (at + 4 > length || !knownType(version, type)) return undefined;
  const flags = b[at + 1] ?? 0;
  const size = u16be(b, at + 2);
  if ((version === 1 ? flags : flags & 0x7f) !== 0 || size < 4 || at + size > length) return undefined;
  return { type, critical: version === 2 && flags !== 0, start: at + 4, end: at + size };
};

/** The chain from `first` at the header's end, ending exactly at `length`; SK or SKF must reach it. */
const walk = (b: Uint8Array, version: 1 | 2, first: number, length: number): Walk | undefined => {
  const payloads: IkePayload[] = [];
  let type = first;
  let at = headerLength;
  while (type !== 0) {
    const p = payloads.length < maxPayloads ? payloadAt(b, version, type, at, length) : undefined;
    if (p === undefined) return undefined;
    payloads.push(p);
    if (type === payloadTypes.sk || type === payloadTypes.skf)
      return p.end === length ? { payloads, encrypted: p.end - p.start } : undefined;
    type = b[at] ?? 0;
    at = p.end;
  }
  return at === length ? { payloads, encrypted: 0 } : undefined;
};

/** Which SPIs and message ids an exchange can carry (§2.2, §2.6; RFC 2408 §3.1, RFC 2409 §5.5). */
const idsHold = (version: 1 | 2, exchange: number, responderZero: boolean, messageId: number): boolean => {
  if (version === 2) {
    // A responder asking for a cookie or another KE group answers IKE_SA_INIT with a zero SPI of its own.
    if (exchange === 34) return messageId === 0;
    return !responderZero;
  }
  if (exchange === 2 || exchange === 4) return messageId === 0;
  if (exchange === 32 || exchange === 33) return !responderZero && messageId !== 0;
  return true;
};

/** The version octet's major version when its exchange type is one of that version's, else 0: the cheap test. */
const versionOf = (b: Uint8Array): 0 | 1 | 2 => {
  const version = b[17] === 0x20 ? 2 : b[17] === 0x10 ? 1 : 0;
  if (version === 0 || !(version === 2 ? v2Exchanges : v1Exchanges).has(b[18] ?? 0)) return 0;
  return version;
};

/** The version the header's octets hold together for (0 when they do not): version, exchange, flags, length, SPI. */
const headerVersion = (b: Uint8Array): 0 | 1 | 2 => {
  const version = b.length < headerLength ? 0 : versionOf(b);
  if (version === 0) return 0;
  const flags = b[19] ?? 0;
  if ((flags & ~(version === 2 ? v2Flags : v1Flags)) !== 0 || u32be(b, 24) !== b.length) return 0;
  if (spiZero(b, 0) || !idsHold(version, b[18] ?? 0, spiZero(b, 8), u32be(b, 20))) return 0;
  return version;
};

/** IKEv1 ciphertext after the header, in whole blocks (8 for DES and 3DES, 16 for AES), behind a HASH or an ID. */
const v1Ciphertext = (b: Uint8Array): Walk | undefined => {
  const size = b.length - headerLength;
  const next = b[16];
  const ok = size > 0 && size % 8 === 0 && (next === payloadTypes.v1Hash || next === payloadTypes.v1Id);
  return ok ? { payloads: [], encrypted: size } : undefined;
};

/** `b` as one whole IKE message, or undefined when its header or payload chain does not hold. */
export const readIkeMessage = (b: Uint8Array): IkeMessage | undefined => {
  const version = headerVersion(b);
  if (version === 0) return undefined;
  const flags = b[19] ?? 0;
  const found = version === 1 && (flags & 1) !== 0 ? v1Ciphertext(b) : walk(b, version, b[16] ?? 0, b.length);
  if (found === undefined) return undefined;
  return {
    version,
    exchange: b[18] ?? 0,
    initiatorSpi: hex(b, 0, 8),
    responderZero: spiZero(b, 8),
    fromInitiator: version === 2 ? (flags & 0x08) !== 0 : undefined,
    response: version === 2 ? (flags & 0x20) !== 0 : undefined,
    messageId: u32be(b, 20),
    length: b.length,
    ...found,
  };
};
