/**
 * The HPACK Huffman decoder's nibble table (RFC 7541 §5.2, Appendix B), built from the code's lengths by running every
 * unfinished code through the bit-by-bit definition. Not loaded at run time: building it made V8 optimise these loops
 * at every start (about 25 ms of CPU); `npm run hpack:table` writes what it builds into `hpack-nibble-table.ts`, and a
 * test checks the two agree.
 */
/**
 * Code length in bits of symbols 0..255 and EOS (256), the `len` column of RFC 7541 Appendix B.
 * The code is canonical: codes are assigned in order of (length, symbol), so lengths define it.
 */
export const hpackCodeLengths: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7,
  8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19,
  13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13,
  28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21,
  22, 23, 22, 23, 23, 24, 22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23,
  22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25,
  25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
];

const eos = 256;
const maxLength = 30;

type Canonical = { firstCode: number[]; count: number[]; offset: number[]; symbols: number[] };

const buildCanonical = (): Canonical => {
  const count = new Array<number>(maxLength + 1).fill(0);
  for (const length of hpackCodeLengths) count[length] = (count[length] ?? 0) + 1;
  const symbols = hpackCodeLengths
    .map((length, symbol) => ({ length, symbol }))
    .sort((a, b) => a.length - b.length || a.symbol - b.symbol)
    .map((entry) => entry.symbol);
  const firstCode = new Array<number>(maxLength + 1).fill(0);
  const offset = new Array<number>(maxLength + 1).fill(0);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= maxLength; length += 1) {
    code <<= 1;
    firstCode[length] = code;
    offset[length] = index;
    code += count[length] ?? 0;
    index += count[length] ?? 0;
  }
  return { firstCode, count, offset, symbols };
};

const canonical = buildCanonical();

/** Decodes one symbol's worth of state: returns the symbol once `code` of `length` bits is complete, else -1. */
const lookup = (code: number, length: number): number => {
  const relative = code - (canonical.firstCode[length] ?? 0);
  if (relative < 0 || relative >= (canonical.count[length] ?? 0)) return -1;
  return canonical.symbols[(canonical.offset[length] ?? 0) + relative] ?? -1;
};

type BitState = { produced: number; code: number; length: number };

/** One bit of the bit-by-bit decoder (the definition the nibble table is built from): the symbol it completes, -1 when
 * none yet, -2 on EOS or an impossible code. */
const pushBit = (state: BitState, bit: number): number => {
  state.code = (state.code << 1) | bit;
  state.length += 1;
  const symbol = lookup(state.code, state.length);
  if (symbol === eos) return -2;
  if (symbol < 0) return state.length <= maxLength ? -1 : -2;
  state.code = 0;
  state.length = 0;
  return symbol;
};

/**
 * The decoder as a table over 4-bit input (as nghttp2 does): a state is an unfinished code (its bits so far); each
 * (state, nibble) says the next state and the symbol completed, if any (codes are at least 5 bits, so at most one),
 * or that the nibble reached EOS or an impossible code. Built once from the canonical code above.
 */
export type NibbleTable = {
  /** Per state × 16 + nibble: the next state, or -1 when the nibble hits EOS or an impossible code. */
  next: Int16Array;
  /** Per state × 16 + nibble: the symbol completed, or -1. */
  symbol: Int16Array;
  /** True when a string may end in this state: at most 7 bits of padding, all ones (the start of EOS). */
  accepting: Uint8Array;
};

type Partial = { code: number; length: number };

/** Runs four bits through the bit decoder: the state after them and the symbol completed (-1 none, -2 failed). */
const stepNibble = (from: Partial, nibble: number): { state: BitState; emitted: number } => {
  const state = { produced: 0, code: from.code, length: from.length };
  let emitted = -1;
  for (let bit = 3; bit >= 0 && emitted !== -2; bit -= 1) {
    const result = pushBit(state, (nibble >> bit) & 1);
    if (result !== -1) emitted = result;
  }
  return { state, emitted };
};

export const buildNibbleTable = (): NibbleTable => {
  const states: Partial[] = [{ code: 0, length: 0 }];
  const index = new Map<number, number>([[1, 0]]);
  const stateOf = (p: Partial): number => {
    const key = 2 ** p.length + p.code;
    let found = index.get(key);
    if (found === undefined) {
      found = states.length;
      index.set(key, found);
      states.push({ code: p.code, length: p.length });
    }
    return found;
  };
  const next: number[] = [];
  const symbol: number[] = [];
  for (let s = 0; s < states.length; s += 1) {
    for (let nibble = 0; nibble < 16; nibble += 1) {
      const { state, emitted } = stepNibble(states[s] as Partial, nibble);
      next.push(emitted === -2 ? -1 : stateOf(state));
      symbol.push(emitted === -2 ? -1 : emitted);
    }
  }
  return {
    next: Int16Array.from(next),
    symbol: Int16Array.from(symbol),
    accepting: Uint8Array.from(states, (s) => (s.length <= 7 && s.code === (1 << s.length) - 1 ? 1 : 0)),
  };
};
