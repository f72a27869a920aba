/**
 * What `padding-oracle` keeps per client, server and input (a cookie, a query or form parameter): the last token sent
 * there and, over the window, how its changes went. An attack changes one block of an otherwise constant token, one
 * octet at a time, at octet after octet; a client re-sending its token changes nothing, a new session changes all of
 * it, and a counter kept in a token changes only its lowest octet alone.
 */
import type { TokenChange } from './padding-oracle-change.ts';

export type TokenTrack = {
  raw: string;
  bytes: Uint8Array;
  /** When the window began: the first change counted in it. */
  started: number;
  /** Changes in the window, and those confined to one block. */
  changes: number;
  confined: number;
  /** Octets changed alone, by position in the token (at most `maxPositions` kept). */
  positions: Set<number>;
  /** The block the last confined change was in, and its size. */
  block: number;
  blockSize: number;
  /** When it was last reported (one report per window). */
  reported: number;
};

const maxPositions = 64;

export const tokenTrack = (raw: string, bytes: Uint8Array, ts: number): TokenTrack => ({
  raw,
  bytes,
  started: ts,
  changes: 0,
  confined: 0,
  positions: new Set(),
  block: -1,
  blockSize: 16,
  reported: Number.NEGATIVE_INFINITY,
});

/** Starts the window again at `ts`. */
export const restartWindow = (track: TokenTrack, ts: number): void => {
  track.started = ts;
  track.changes = 0;
  track.confined = 0;
  track.positions.clear();
};

/** Counts one change of the token. */
export const countChange = (track: TokenTrack, change: TokenChange): void => {
  track.changes += 1;
  if (change.block < 0) return;
  track.confined += 1;
  track.block = change.block;
  track.blockSize = change.blockSize;
  if (change.octet >= 0 && track.positions.size < maxPositions) track.positions.add(change.octet);
};

export type OracleThresholds = { minChanges: number; minPositions: number; minConfinedShare: number };

/** True when the window's changes are an attack's: enough of them, nearly all in one block, octet after octet. */
export const looksLikeOracleAttack = (track: TokenTrack, t: OracleThresholds): boolean =>
  track.changes >= t.minChanges &&
  track.confined >= track.changes * t.minConfinedShare &&
  track.positions.size >= t.minPositions;
