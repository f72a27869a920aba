/** HPACK Huffman string decoding (RFC 7541 §5.2) with the canonical code of Appendix B. */

/**
 * Code length in bits of symbols 0..255 and EOS (256), the `len` column of RFC 7541 Appendix B.
 * The code is canonical: codes are assigned in order of (length, symbol), so lengths define it.
 */
const codeLengths: readonly number[] = [
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
  for (const length of codeLengths) count[length] = (count[length] ?? 0) + 1;
  const symbols = codeLengths
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

/** Adds one bit; emits a symbol when a code completes; false on EOS or an impossible code. */
const pushBit = (state: BitState, bit: number, out: Uint8Array): boolean => {
  state.code = (state.code << 1) | bit;
  state.length += 1;
  const symbol = lookup(state.code, state.length);
  if (symbol === eos) return false;
  if (symbol < 0) return state.length <= maxLength;
  if (state.produced < out.length) out[state.produced] = symbol;
  state.produced += 1;
  state.code = 0;
  state.length = 0;
  return true;
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
  const state = { produced: 0, code: 0, length: 0 };
  for (const byte of input) {
    for (let bit = 7; bit >= 0; bit -= 1) {
      if (!pushBit(state, (byte >> bit) & 1, out)) return undefined;
    }
  }
  if (state.length > 7 || state.code !== (1 << state.length) - 1) return undefined;
  return { bytes: out.subarray(0, Math.min(state.produced, out.length)), length: state.produced };
};
