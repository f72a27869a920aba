/**
 * SMB detected from the first octets of either direction: a session message (type 0x00, 3-octet big-endian length:
 * RFC 1002 §4.3.1, MS-SMB2 §2.1 direct TCP) holding `\xffSMB` (MS-CIFS §2.2.3.1), `\xfeSMB` (MS-SMB2 §2.2.1) or
 * `\xfdSMB` (the transform header of encryption, §2.2.41) whose fixed fields hold together; or NetBIOS session
 * service's session request (0x81) with its two encoded names, and the server's answers (0x82, 0x83).
 */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { u16le, u32le } from './wire-bytes.ts';

/** SMB2 commands 0x00 (NEGOTIATE) to 0x12 (OPLOCK_BREAK), MS-SMB2 §2.2.1.2. */
export const smb2Commands = 0x13;

/** SMB1 commands a conversation can start or carry on with (MS-CIFS §2.2.2.1). */
const smb1Commands = new Set([
  0x04, 0x24, 0x25, 0x2b, 0x2e, 0x2f, 0x32, 0x71, 0x72, 0x73, 0x74, 0x75, 0xa0, 0xa2, 0xa4,
]);

const magicTail = [0x53, 0x4d, 0x42]; // "SMB"

/** The octets present at 4..7 could still be one of the three SMB magics. */
const magicPrefix = (b: Uint8Array): boolean => {
  const first = b[4];
  if (first === undefined) return true;
  if (first !== 0xff && first !== 0xfe && first !== 0xfd) return false;
  for (let i = 5; i < 8 && i < b.length; i++) if (b[i] !== magicTail[i - 5]) return false;
  return true;
};

const smb2Header = (b: Uint8Array, length: number, direction: Direction): Detection => {
  if (length < 64 + 2) return 'no-match';
  if (b.length < 4 + 64) return 'need-more';
  const next = u32le(b, 4 + 20);
  const reply = (u32le(b, 4 + 16) & 1) === 1;
  const ok =
    u16le(b, 4 + 4) === 64 &&
    u16le(b, 4 + 12) < smb2Commands &&
    reply === (direction === 'to-client') &&
    (next === 0 || (next % 8 === 0 && next >= 64 && next < length));
  return ok ? 'match' : 'no-match';
};

const smb1Header = (b: Uint8Array, length: number, direction: Direction): Detection => {
  if (length < 32 + 3) return 'no-match';
  if (b.length < 4 + 33) return 'need-more';
  const reply = ((b[4 + 9] as number) & 0x80) !== 0;
  const words = (b[4 + 32] as number) * 2;
  const ok =
    smb1Commands.has(b[4 + 4] as number) &&
    reply === (direction === 'to-client') &&
    32 + 1 + words + 2 <= length;
  return ok ? 'match' : 'no-match';
};

/** The transform header: its reserved field zero, encrypted (flags 1), the original message's size after it. */
const transformHeader = (b: Uint8Array, length: number): Detection => {
  if (length < 52 + 64) return 'no-match';
  if (b.length < 4 + 52) return 'need-more';
  const ok = u16le(b, 4 + 40) === 0 && u16le(b, 4 + 42) === 1 && u32le(b, 4 + 36) + 52 === length;
  return ok ? 'match' : 'no-match';
};

const sessionMessage = (b: Uint8Array, direction: Direction): Detection => {
  if (!magicPrefix(b)) return 'no-match';
  if (b.length < 8) return 'need-more';
  const length = ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number);
  if (b[4] === 0xfe) return smb2Header(b, length, direction);
  return b[4] === 0xff ? smb1Header(b, length, direction) : transformHeader(b, length);
};

/** The 32 octets of a first-level encoded name are 'A'..'P' (RFC 1001 §14.1): true, false, or short. */
const halfOctets = (b: Uint8Array, from: number): boolean | 'short' => {
  for (let i = from; i < from + 32; i++) {
    const x = b[i];
    if (x === undefined) return 'short';
    if (x < 0x41 || x > 0x50) return false;
  }
  return true;
};

/** A first-level encoded NetBIOS name (RFC 1001 §14.1): length 32, 32 octets 'A'..'P', then the scope's labels. */
export const encodedNameEnd = (b: Uint8Array, at: number, end: number): number | 'short' | undefined => {
  if (at >= b.length) return 'short';
  if (b[at] !== 32) return undefined;
  const name = halfOctets(b, at + 1);
  if (name !== true) return name === 'short' ? 'short' : undefined;
  let i = at + 33;
  // Scope labels, up to a zero octet; the name and its scope fit in 255 octets.
  for (let label = b[i]; i < end && i - at <= 255; label = b[i]) {
    if (label === undefined) return 'short';
    if (label === 0) return i + 1;
    if (label > 63) return undefined;
    i += 1 + label;
  }
  return i >= b.length ? 'short' : undefined;
};

const sessionRequest = (b: Uint8Array): Detection => {
  if (b.length < 4) return b[1] === undefined || ((b[1] as number) & 0xfe) === 0 ? 'need-more' : 'no-match';
  const length = (((b[1] as number) & 1) << 16) | ((b[2] as number) << 8) | (b[3] as number);
  if (((b[1] as number) & 0xfe) !== 0 || length < 68 || length > 2 * 256) return 'no-match';
  const called = encodedNameEnd(b, 4, 4 + length);
  if (called === undefined) return 'no-match';
  if (called === 'short') return 'need-more';
  const calling = encodedNameEnd(b, called, 4 + length);
  if (calling === undefined || (typeof calling === 'number' && calling !== 4 + length)) return 'no-match';
  return calling === 'short' ? 'need-more' : 'match';
};

/** A negative session response: length 1, an error code 0x80-0x8F (RFC 1002 §4.3.4). */
const negativeResponse = (b: Uint8Array): Detection => {
  const want = [0x83, 0, 0, 1];
  for (let i = 1; i < 4 && i < b.length; i++) if (b[i] !== want[i]) return 'no-match';
  const code = b[4];
  if (code === undefined) return 'need-more';
  return code >= 0x80 && code <= 0x8f ? 'match' : 'no-match';
};

/** A positive session response (0x82, length 0) is four octets any server might send: it needs the message after it. */
const positiveResponse = (b: Uint8Array, direction: Direction): Detection => {
  for (let i = 1; i < 4 && i < b.length; i++) if (b[i] !== 0) return 'no-match';
  if (b.length <= 4) return 'need-more';
  return b[4] === 0 ? sessionMessage(b.subarray(4), direction) : 'no-match';
};

export const detectSmb = (b: Uint8Array, direction: Direction): Detection => {
  const type = b[0];
  if (type === undefined) return 'need-more';
  if (type === 0x00) return sessionMessage(b, direction);
  if (direction === 'to-server') return type === 0x81 ? sessionRequest(b) : 'no-match';
  if (type === 0x83) return negativeResponse(b);
  return type === 0x82 ? positiveResponse(b, direction) : 'no-match';
};
