/** What an observer declares it reads of flows' layer-7 events, so the engine parses a direction only as far as someone reads. */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Direction, ProtocolEventKind } from '../events.ts';

export type EventRead = {
  kind: ProtocolEventKind;
  /** Directions whose events of this kind it reads (`event.direction`). */
  directions: readonly Direction[];
  /**
   * `every`: every such event of a flow, however deep (the engine parses the whole direction);
   * `first`: only the first ones, which the summary bound (`limits.summaryBytes` per direction) delivers.
   */
  depth: 'every' | 'first';
  /**
   * `first` only: the bytes of each direction the reader needs from the start, when fewer than the summary bound.
   * It decides only for a direction the protocol's summary skips (Redis replies); elsewhere the summary bound holds.
   */
  bytes?: number;
  /** Only on flows of these protocols (all when absent). */
  protocols?: readonly ProtocolId[];
};

const both: readonly Direction[] = ['to-server', 'to-client'];

/** Reads every event of a kind in these directions (both by default: the safe default for a reader that says no more). */
export const readsEvery = (kind: ProtocolEventKind, directions: readonly Direction[] = both): EventRead => ({
  kind,
  directions,
  depth: 'every',
});

/** Reads every client→server event of a kind: requests, where attacks come from. */
export const readsRequests = (kind: ProtocolEventKind): EventRead => readsEvery(kind, ['to-server']);

/**
 * Reads only the first events of a kind, both directions (a handshake, a banner, the flow's first message), within
 * the first `bytes` of each direction (the summary bound when absent).
 */
export const readsFirst = (kind: ProtocolEventKind, bytes?: number): EventRead => ({
  kind,
  directions: both,
  depth: 'first',
  ...(bytes === undefined ? {} : { bytes }),
});
