/**
 * The HPACK Huffman nibble table's typed arrays from the base64 `hpack-nibble-table.ts` ships (little-endian 16-bit
 * integers for `next` and `symbol`, octets for `accepting`).
 */
import type { NibbleTable } from './hpack-nibble-build.ts';

/** The shipped table's shape: each array as base64, in lines. */
export type EncodedNibbleTable = {
  next: readonly string[];
  symbol: readonly string[];
  accepting: readonly string[];
};

const int16s = (base64: readonly string[]): Int16Array => {
  const bytes = Buffer.from(base64.join(''), 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
};

export const decodeNibbleTable = (encoded: EncodedNibbleTable): NibbleTable => ({
  next: int16s(encoded.next),
  symbol: int16s(encoded.symbol),
  accepting: new Uint8Array(Buffer.from(encoded.accepting.join(''), 'base64')),
});
