/**
 * Octets held until an answer decides what they are: a tunnel's first octets until its protocol is detected, what a
 * SOCKS client sends before the proxy's reply, what an HTTP client sends behind a CONNECT or an Upgrade request. Each
 * direction's first `heldBytes`, with the times they came at, and the losses among them in their places; then opened
 * (replayed into a reader in the order they came) or discarded.
 */
import type { Direction } from '../events.ts';
import { joinParts } from './wire-bytes.ts';

/** Each direction's octets held, as the engine's prefix (engine-limits.ts `prefixBytes`). */
export const heldBytes = 4096;

/** What held octets are replayed into: a parser, or a reader that tells its events elsewhere. */
export type HeldReader = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): void;
  /** `lost` as a gap tells it: a count, or undefined when unknown. */
  gap(direction: Direction, lost: number | undefined): void;
};

type Chunk = { direction: Direction; bytes: Uint8Array; ts: number };
type Loss = { direction: Direction; bytes?: undefined; lost: number | undefined };

export type HeldUntilAnswer = {
  /** Holds a chunk (a copy: callers reuse their buffers); what is past its direction's bound is held as a loss. */
  hold(chunk: Uint8Array, direction: Direction, ts: number): void;
  /** A loss in `direction`, held in its place; one with no octets of its direction since the last joins it. */
  lose(direction: Direction, lost: number | undefined): void;
  /** How many octets `direction` holds (losses not counted). */
  size(direction: Direction): number;
  /** The octets `direction` holds, joined, losses left out (a tunnel detects its protocol from them). */
  octets(direction: Direction): Uint8Array;
  /** Nothing is held, neither octets nor a loss. */
  empty(): boolean;
  /** The answer opened them: replayed into `reader` in the order they came, each chunk with its time. */
  open(reader: HeldReader): void;
  /** The answer dropped them: they reached no one. */
  discard(): void;
};

type Held = {
  items: (Chunk | Loss)[];
  sizes: Record<Direction, number>;
  /** Each direction's last loss while no octets of that direction came after it: the next loss joins it. */
  lastLoss: Record<Direction, Loss | undefined>;
};

const nothingHeld = (): Held => ({
  items: [],
  sizes: { 'to-server': 0, 'to-client': 0 },
  lastLoss: { 'to-server': undefined, 'to-client': undefined },
});

const lose = (held: Held, direction: Direction, lost: number | undefined): void => {
  const last = held.lastLoss[direction];
  if (last !== undefined) {
    last.lost = last.lost === undefined || lost === undefined ? undefined : last.lost + lost;
    return;
  }
  const loss: Loss = { direction, lost };
  held.items.push(loss);
  held.lastLoss[direction] = loss;
};

const hold = (held: Held, chunk: Uint8Array, direction: Direction, ts: number): void => {
  const taken = chunk.subarray(0, Math.max(0, heldBytes - held.sizes[direction]));
  if (taken.length > 0) {
    held.items.push({ direction, bytes: taken.slice(), ts });
    held.sizes[direction] += taken.length;
    held.lastLoss[direction] = undefined;
  }
  if (taken.length < chunk.length) lose(held, direction, chunk.length - taken.length);
};

export const createHeldUntilAnswer = (): HeldUntilAnswer => {
  let held = nothingHeld();
  return {
    hold: (chunk, direction, ts) => hold(held, chunk, direction, ts),
    lose: (direction, lost) => lose(held, direction, lost),
    size: (direction) => held.sizes[direction],
    octets(direction) {
      const parts: Uint8Array[] = [];
      for (const item of held.items)
        if (item.direction === direction && item.bytes !== undefined) parts.push(item.bytes);
      return parts.length === 0 ? new Uint8Array(0) : joinParts(parts, held.sizes[direction]);
    },
    empty: () => held.items.length === 0,
    open(reader) {
      // Taken first: the reader may hold octets again (an HTTP request replayed may ask to switch protocols).
      const taken = held.items;
      held = nothingHeld();
      for (const item of taken)
        if (item.bytes === undefined) reader.gap(item.direction, item.lost);
        else reader.parse(item.bytes, item.direction, item.ts);
    },
    discard() {
      held = nothingHeld();
    },
  };
};
