/**
 * The 12-octet GIOP message header (CORBA 3.0, §15.4.1): the magic `GIOP`, the version (1.0, 1.1, 1.2), the flags
 * (1.0: a byte-order boolean; 1.1 on: bit 0 byte order, bit 1 more fragments follow, the rest zero), the message type
 * and the size of what follows in the header's byte order. Read a prefix at a time, so a refusal of a prefix is a
 * refusal of every longer one (the detection table relies on it).
 */
import { u32be, u32le } from './wire-bytes.ts';

export const giopHeaderSize = 12;
/** Larger than any ORB's default (omniORB 2 MiB, JacORB and the JDK's far less per fragment): no GIOP message. */
export const maxGiopMessage = 16 * 1024 * 1024;

export const giopMessageTypes = [
  'request',
  'reply',
  'cancel-request',
  'locate-request',
  'locate-reply',
  'close-connection',
  'message-error',
  'fragment',
] as const;
export type GiopMessageType = (typeof giopMessageTypes)[number];

export type GiopHeader = {
  minor: 0 | 1 | 2;
  little: boolean;
  /** More fragments of this message follow (1.1 on). */
  more: boolean;
  type: GiopMessageType;
  /** Octets after the header. */
  size: number;
};

const magic = [0x47, 0x49, 0x4f, 0x50];

/** The fixed octets of a prefix: `GIOP`, major 1, minor 0-2, flags and type that suit the minor. */
const prefixHolds = (b: Uint8Array): boolean => {
  for (let i = 0; i < Math.min(b.length, 4); i++) if (b[i] !== magic[i]) return false;
  if (b.length > 4 && b[4] !== 1) return false;
  const minor = b[5] ?? 0;
  if (minor > 2) return false;
  const flags = b[6] ?? 0;
  if (b.length > 6 && (minor === 0 ? flags > 1 : (flags & 0xfc) !== 0)) return false;
  return b.length <= 7 || (b[7] ?? 0) <= (minor === 0 ? 6 : 7);
};

/** Sizes a message type must have: CloseConnection and MessageError carry nothing, CancelRequest one request id. */
const sizeFits = (type: GiopMessageType, size: number): boolean => {
  if (type === 'close-connection' || type === 'message-error') return size === 0;
  if (type === 'cancel-request') return size === 4;
  return size >= 4 && size <= maxGiopMessage;
};

/**
 * The header at the start of `b`: `need-more` for a prefix of one, `no-match` for octets that cannot start a GIOP
 * message (a wrong magic, version, flag, type, or a size the type cannot have).
 */
export const readGiopHeader = (b: Uint8Array): GiopHeader | 'need-more' | 'no-match' => {
  if (b.length === 0) return 'need-more';
  if (!prefixHolds(b)) return 'no-match';
  if (b.length < giopHeaderSize) return 'need-more';
  const minor = (b[5] ?? 0) as 0 | 1 | 2;
  const flags = b[6] ?? 0;
  const little = (flags & 1) === 1;
  const type = giopMessageTypes[b[7] ?? 0] ?? 'request';
  const size = little ? u32le(b, 8) : u32be(b, 8);
  if (!sizeFits(type, size)) return 'no-match';
  return { minor, little, more: (flags & 2) === 2, type, size };
};
