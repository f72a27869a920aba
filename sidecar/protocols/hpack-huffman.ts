/** HPACK Huffman string decoding (RFC 7541 §5.2) with the canonical code of Appendix B. */

import { decodeNibbleTable } from './hpack-nibble-decode.ts';
import { hpackNibbleTable } from './hpack-nibble-table.ts';

/**
 * The decoder as a table over 4-bit input (as nghttp2 does): a state is an unfinished code (its bits so far); each
 * (state, nibble) says the next state and the symbol completed, if any, or that the nibble reached EOS or an
 * impossible code. Built ahead of time from the canonical code (hpack-nibble-build.ts) and decoded at load.
 */
const table = decodeNibbleTable(hpackNibbleTable);

/** Decodes `input` into `out` (symbols past its end are counted only); the symbol count, or -1 when invalid. */
const decodeInto = (input: Uint8Array, out: Uint8Array): number => {
  const { next, symbol } = table;
  let state = 0;
  let produced = 0;
  for (let i = 0; i < input.length * 2; i += 1) {
    const nibble = ((input[i >> 1] ?? 0) >> (i & 1 ? 0 : 4)) & 0xf;
    const entry = state * 16 + nibble;
    const emitted = symbol[entry] ?? -1;
    state = next[entry] ?? -1;
    if (state < 0) return -1;
    if (emitted >= 0) {
      if (produced < out.length) out[produced] = emitted;
      produced += 1;
    }
  }
  return table.accepting[state] === 1 ? produced : -1;
};

/**
 * Decodes a Huffman-coded octet string; undefined when it is invalid (§5.2: EOS inside the string,
 * padding longer than 7 bits or not made of the most significant bits of EOS, i.e. all ones).
 * `bytes` holds at most `maxOutput` octets; `length` is the full decoded length (for table sizes).
 */
export const hpackHuffman = (
  input: Uint8Array,
  maxOutput: number,
): { bytes: Uint8Array; length: number } | undefined => {
  const out = new Uint8Array(Math.min(maxOutput, Math.ceil((input.length * 8) / 5)));
  const produced = decodeInto(input, out);
  if (produced < 0) return undefined;
  return { bytes: out.subarray(0, Math.min(produced, out.length)), length: produced };
};

/** A Huffman string decoded in pieces (a string split across CONTINUATION frames): the state between them. */
export type HuffmanRun = {
  /** The nibble table's state: the unfinished code's bits so far; -1 once the code was invalid. */
  state: number;
  /** Symbols decoded so far (the string's decoded length once it ends), those past `out` too. */
  produced: number;
  /** The decoded octets kept: the string's first `out.length`. */
  readonly out: Uint8Array;
};

/** Starts a run keeping at most `kept` decoded octets. */
export const hpackHuffmanRun = (kept: number): HuffmanRun => ({
  state: 0,
  produced: 0,
  out: new Uint8Array(kept),
});

/** Runs the next octets of a string through `run`; false when the code is invalid (EOS or an impossible code). */
export const hpackHuffmanFeed = (run: HuffmanRun, input: Uint8Array): boolean => {
  const { next, symbol } = table;
  const out = run.out;
  let state = run.state;
  let produced = run.produced;
  for (let i = 0; i < input.length * 2 && state >= 0; i += 1) {
    const entry = state * 16 + (((input[i >> 1] ?? 0) >> (i & 1 ? 0 : 4)) & 0xf);
    const emitted = symbol[entry] ?? -1;
    state = next[entry] ?? -1;
    if (emitted >= 0) {
      if (produced < out.length) out[produced] = emitted;
      produced += 1;
    }
  }
  run.state = state;
  run.produced = produced;
  return state >= 0;
};

/** True when the string may end where the run is (§5.2: at most 7 bits of padding, all ones). */
export const hpackHuffmanEnds = (run: HuffmanRun): boolean =>
  run.state >= 0 && table.accepting[run.state] === 1;
