/** An HPACK string literal (RFC 7541 §5.2) read across the fragments of a header block: its start kept, all counted. */
import { type HuffmanRun, hpackHuffmanEnds, hpackHuffmanFeed, hpackHuffmanRun } from './hpack-huffman.ts';
import { latin1 } from './wire-bytes.ts';

/** The octets seen of `length`, the first kept as sent (`raw`) or Huffman-decoded as they come (`huffman`). */
export type OpenString = {
  length: number;
  seen: number;
  raw: Uint8Array | undefined;
  huffman: HuffmanRun | undefined;
};

type Cursor = { at: number };

const empty = new Uint8Array(0);

/** A string of `length` octets, Huffman-coded or not, of which the first `kept` decoded octets are kept. */
export const openString = (huffman: boolean, length: number, kept: number): OpenString => ({
  length,
  seen: 0,
  raw: huffman ? undefined : new Uint8Array(Math.min(length, kept)),
  huffman: huffman ? hpackHuffmanRun(Math.min(kept, Math.ceil((length * 8) / 5))) : undefined,
});

/** Takes the string's octets from `block`; false when its Huffman code is invalid. */
export const takeString = (string: OpenString, block: Uint8Array, cursor: Cursor): boolean => {
  const take = Math.min(string.length - string.seen, block.length - cursor.at);
  const piece = block.subarray(cursor.at, cursor.at + take);
  cursor.at += take;
  if (string.raw !== undefined && string.seen < string.raw.length)
    string.raw.set(piece.subarray(0, string.raw.length - string.seen), string.seen);
  string.seen += take;
  return string.huffman === undefined || hpackHuffmanFeed(string.huffman, piece);
};

/** A whole string's kept text and decoded length; undefined when its Huffman code ends badly (§5.2 padding). */
export const endString = (string: OpenString): { text: string; length: number } | undefined => {
  const run = string.huffman;
  if (run === undefined) return { text: latin1(string.raw ?? empty), length: string.length };
  if (!hpackHuffmanEnds(run)) return undefined;
  return { text: latin1(run.out, 0, run.produced), length: run.produced };
};
