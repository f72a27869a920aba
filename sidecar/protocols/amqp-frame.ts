/** AMQP 0-9-1 framing (spec §4.2.3): type, channel, size, payload, frame-end 0xCE; and the protocol header. */
import { amqpContentClass, amqpMethodName } from './amqp-methods.ts';
import type { Detection } from './protocol.ts';
import { startsWithAscii, u16be, u32be } from './wire-bytes.ts';

export const frameEnd = 0xce;
/** Frame types: METHOD 1, HEADER 2, BODY 3, HEARTBEAT 8. */
export const frameTypes = new Set([1, 2, 3, 8]);
export const maxFrame = 16 * 1024 * 1024;

/** Length of the frame (or 8-byte protocol header) at `b`: > 0, 0 when more is needed, -1 when malformed. */
export const amqpFrameLength = (b: Uint8Array): number => {
  if (b[0] === 0x41) return startsWithAscii(b, 'AMQP', true) ? (b.length >= 8 ? 8 : 0) : -1;
  if (b.length < 7) return frameTypes.has(b[0] ?? 0) ? 0 : -1;
  const size = u32be(b, 3);
  return frameTypes.has(b[0] ?? 0) && size <= maxFrame ? 8 + size : -1;
};

/** Whether one whole frame is well-formed and meaningful on its own (a known method, a basic header, a heartbeat). */
const frameEvidence = (f: Uint8Array): 'strong' | 'weak' | 'bad' => {
  const size = f.length - 8;
  if (f[f.length - 1] !== frameEnd) return 'bad';
  if (f[0] === 8) return u16be(f, 1) === 0 && size === 0 ? 'strong' : 'bad';
  if (f[0] === 1) return size >= 4 && amqpMethodName(u16be(f, 7), u16be(f, 9)) ? 'strong' : 'bad';
  // Content header: class id, weight 0, body size (8), property flags.
  if (f[0] === 2) return size >= 14 && amqpContentClass(u16be(f, 7)) && u16be(f, 9) === 0 ? 'strong' : 'bad';
  return 'weak';
};

/** "AMQP" then the protocol id and version: 0-9-1 is 0,0,9,1; 0-8, 0-9 and 1.0 headers are AMQP too. */
const detectHeader = (b: Uint8Array): Detection => {
  if (!startsWithAscii(b, 'AMQP', true)) return 'no-match';
  if (b.length < 8) return 'need-more';
  return b.subarray(4, 8).every((x) => x <= 10) ? 'match' : 'no-match';
};

/** The frame at `at`: 'need-more' when incomplete, else how much it proves and its length. */
const frameAt = (
  b: Uint8Array,
  at: number,
): Detection | { evidence: 'strong' | 'weak' | 'bad'; length: number } => {
  if (at === b.length) return 'need-more';
  const length = amqpFrameLength(b.subarray(at));
  if (length < 0) return 'no-match';
  if (length === 0 || at + length > b.length) return length > 4096 + 8 ? 'no-match' : 'need-more';
  return { evidence: frameEvidence(b.subarray(at, at + length)), length };
};

/**
 * Frames picked up anywhere in a connection: the first frame must be whole and well-formed; a body frame alone
 * proves little, so it must be followed by another well-formed frame that is strong evidence.
 */
export const detectAmqp = (b: Uint8Array): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] === 0x41) return detectHeader(b);
  let at = 0;
  for (let frames = 0; frames < 2; frames++) {
    const frame = frameAt(b, at);
    if (typeof frame === 'string') return frame;
    if (frame.evidence !== 'weak') return frame.evidence === 'strong' ? 'match' : 'no-match';
    at += frame.length;
  }
  return 'no-match';
};
