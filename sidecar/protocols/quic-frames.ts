/**
 * The frames an Initial packet may carry (RFC 9000 §17.2.2, §19): PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE.
 * Returns the CRYPTO frames' pieces of the handshake stream; undefined when a frame is malformed or not allowed.
 */
import { quicVarint } from './quic-initial.ts';

export type CryptoPiece = { offset: number; data: Uint8Array };

const maxAckRanges = 256;

/** Skips `count` varints from `at`; undefined when one is cut. */
const skipVarints = (b: Uint8Array, at: number, count: number): number | undefined => {
  let i = at;
  for (let n = 0; n < count; n++) {
    const v = quicVarint(b, i);
    if (v === undefined) return undefined;
    i = v[1];
  }
  return i;
};

/** ACK (0x02) and ACK with ECN counts (0x03): largest, delay, range count, first range, ranges, ECN counts. */
const skipAck = (b: Uint8Array, at: number, ecn: boolean): number | undefined => {
  const head = skipVarints(b, at, 2);
  const count = head === undefined ? undefined : quicVarint(b, head);
  if (count === undefined || count[0] > maxAckRanges) return undefined;
  return skipVarints(b, count[1], 1 + 2 * count[0] + (ecn ? 3 : 0));
};

/** CONNECTION_CLOSE: error code, the frame type (0x1c only), then a reason phrase. */
const skipClose = (b: Uint8Array, at: number, transport: boolean): number | undefined => {
  const head = skipVarints(b, at, transport ? 2 : 1);
  const reason = head === undefined ? undefined : quicVarint(b, head);
  return reason === undefined || reason[1] + reason[0] > b.length ? undefined : reason[1] + reason[0];
};

/** The offset after the frame at `at` (a CRYPTO frame's piece is added to `pieces`); undefined if malformed. */
const frameEnd = (payload: Uint8Array, at: number, pieces: CryptoPiece[]): number | undefined => {
  const type = payload[at] ?? 0;
  if (type === 0x00 || type === 0x01) return at + 1;
  if (type === 0x02 || type === 0x03) return skipAck(payload, at + 1, type === 0x03);
  if (type === 0x1c || type === 0x1d) return skipClose(payload, at + 1, type === 0x1c);
  if (type !== 0x06) return undefined; // no other frame may be sent in an Initial packet
  const offset = quicVarint(payload, at + 1);
  const length = offset === undefined ? undefined : quicVarint(payload, offset[1]);
  if (offset === undefined || length === undefined || length[1] + length[0] > payload.length)
    return undefined;
  pieces.push({ offset: offset[0], data: payload.subarray(length[1], length[1] + length[0]) });
  return length[1] + length[0];
};

export const initialCryptoPieces = (payload: Uint8Array): CryptoPiece[] | undefined => {
  const pieces: CryptoPiece[] = [];
  let at: number | undefined = 0;
  while (at !== undefined && at < payload.length) at = frameEnd(payload, at, pieces);
  return at === undefined ? undefined : pieces;
};
