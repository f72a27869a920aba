/**
 * When the engine runs the detectors on a TCP flow it has not identified yet, and when it gives up.
 *
 * Each packet used to be one attempt, and 24 of them made the flow `unknown`: a client that sent its first 24 octets
 * one per segment (a classic IDS evasion, as fragroute does) got an HTTP request past every HTTP detector. Now the
 * first half of the attempts run on every packet, later ones only when the bytes kept grew by half or a direction
 * started or filled up, so tiny segments cost a logarithmic number of attempts and cannot use up the bound before
 * detection has the bytes it needs. A hard cap on data packets still ends detection of a flow that trickles forever.
 */
import type { EngineLimits } from './engine-limits.ts';
import type { DirectionState, FlowState } from './flow-state.ts';

/** Growth of the kept bytes since the last attempt that makes another one worth it. */
const growth = 1.5;

/** A direction detection can learn no more from: bytes were not kept (a gap, the bound) or its prefix is full. */
export const prefixFull = (d: DirectionState, prefixBytes: number): boolean =>
  d.incomplete || d.prefixLength >= prefixBytes;

/** Which directions have bytes (bits 1, 2) and which are full (4, 8): any change is worth an attempt. */
export const detectionShape = (state: FlowState, prefixBytes: number): number => {
  const up = state.toServer;
  const down = state.toClient;
  return (
    (up.prefixLength > 0 ? 1 : 0) |
    (down.prefixLength > 0 ? 2 : 0) |
    (prefixFull(up, prefixBytes) ? 4 : 0) |
    (prefixFull(down, prefixBytes) ? 8 : 0)
  );
};

const keptBytes = (state: FlowState): number => state.toServer.prefixLength + state.toClient.prefixLength;

/** Bytes arrived since the last attempt (the flow's end gives them one last attempt). */
export const unasked = (state: FlowState): boolean => keptBytes(state) > state.askedBytes;

export const worthAsking = (state: FlowState, limits: EngineLimits, shape: number): boolean =>
  state.attempts < Math.ceil(limits.detectionAttempts / 2) ||
  shape !== state.askedShape ||
  keptBytes(state) >= state.askedBytes * growth;

export const noteAttempt = (state: FlowState, shape: number): void => {
  state.attempts += 1;
  state.askedShape = shape;
  state.askedBytes = keptBytes(state);
};

/**
 * Time to say `unknown`: the flow passed the data-packet cap, or detectors still asked for more after every attempt;
 * or every detector refused the one direction that spoke, that direction's prefix is full (nothing more to learn from
 * it) and the other stayed silent for `detectionAttempts` data packets. A refused direction that is not full yet
 * waits for the other (a server banner) until the cap or the flow's end: tiny junk segments cannot end the wait.
 */
export const outOfPatience = (state: FlowState, limits: EngineLimits): boolean => {
  if (state.dataPackets >= limits.maxDetectionPackets) return true;
  if (!state.refusedOneSide) return state.attempts >= limits.detectionAttempts;
  const full = (state.askedShape & 12) !== 0;
  return full && state.dataPackets >= limits.detectionAttempts;
};
