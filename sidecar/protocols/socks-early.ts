/**
 * What a SOCKS client sends before the proxy's reply (a client that does not wait for it): held, to a bound, with the
 * losses among it, until the reply decides whether it crossed the tunnel or reached no one.
 */
import { tunnelPrefixBytes } from './tunnel-inner.ts';

/** A chunk held with the time it came at, or a loss among the chunks (`lost` as a gap tells it: unknown, undefined). */
export type EarlyItem = { bytes: Uint8Array; ts: number } | { bytes?: undefined; lost: number | undefined };

/** The items in the order they came; `bytes`, the octets held (at most `tunnelPrefixBytes`, as a tunnel holds). */
export type EarlyOctets = { items: EarlyItem[]; bytes: number };

export const noEarlyOctets = (): EarlyOctets => ({ items: [], bytes: 0 });

/** A loss among the octets held; one right after another joins it. */
export const loseEarly = (early: EarlyOctets, lost: number | undefined): void => {
  const last = early.items[early.items.length - 1];
  if (last?.bytes === undefined && last !== undefined)
    last.lost = last.lost === undefined || lost === undefined ? undefined : last.lost + lost;
  else early.items.push({ lost });
};

/** Holds a chunk (a copy: the caller's buffer is reused); what is past the bound is held as a loss of its length. */
export const holdEarly = (early: EarlyOctets, chunk: Uint8Array, ts: number): void => {
  const taken = chunk.subarray(0, Math.max(0, tunnelPrefixBytes - early.bytes));
  if (taken.length > 0) {
    early.items.push({ bytes: taken.slice(), ts });
    early.bytes += taken.length;
  }
  if (taken.length < chunk.length) loseEarly(early, chunk.length - taken.length);
};
