/**
 * Octets a parser lets pass unread (ProtocolParser.pass, ADR 58): a download's body past what its reader keeps. They
 * are reassembled as they come (the sequence must be followed to find what follows them) but handed to nobody, and a
 * segment that lies wholly among them pays for no checksum: nothing in it is read.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import type { Direction } from '../events.ts';
import type { ProtocolParser } from '../protocols/protocol.ts';
import { seqDiff } from '../reassembly/seq.ts';
import type { DirectionState } from './flow-state.ts';

/** What of an in-order chunk is past the octets let pass; undefined when all of it was among them. */
export const pastPassing = (d: DirectionState, chunk: Uint8Array): Uint8Array | undefined => {
  if (d.passing === 0) return chunk;
  const passed = Math.min(d.passing, chunk.length);
  d.passing -= passed;
  return passed === chunk.length ? undefined : chunk.subarray(passed);
};

/** After a chunk was read: what the parser lets pass next, counted against the direction's budget as parsed. */
export const askToPass = (
  d: DirectionState,
  parser: ProtocolParser | undefined,
  direction: Direction,
): void => {
  if (parser?.pass === undefined || d.done) return;
  const octets = parser.pass(direction);
  if (octets <= 0) return;
  d.passing = octets;
  d.parsed += octets;
  if (d.parsed >= d.budget) d.done = true;
};

/** Octets lost where the parser let them pass were never to be read: what is lost past them, a loss to the parser. */
export const lostPastPassing = (d: DirectionState, lost: number): number => {
  const passed = Math.min(d.passing, lost);
  d.passing -= passed;
  return lost - passed;
};

/** The segment's octets all lie among those let pass, next in order after what the reassembler delivered. */
export const passesWhole = (d: DirectionState, packet: DecodedPacket): boolean => {
  if (d.passing === 0 || d.reassembler === undefined) return false;
  const from = seqDiff(packet.seq, d.reassembler.expectedSeq);
  return from >= 0 && from + packet.payloadLength <= d.passing;
};
