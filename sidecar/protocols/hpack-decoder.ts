/** HPACK header block decoder (RFC 7541): static and dynamic tables, integers, Huffman strings. */
import type { Header } from '../events.ts';
import { hpackHuffman } from './hpack-huffman.ts';
import { hpackStaticTable } from './hpack-static-table.ts';
import { latin1 } from './wire-bytes.ts';

export type HpackDecoder = {
  /** Decodes one complete header block; undefined when it is malformed (the connection's state is then lost). */
  decode(block: Uint8Array): Header[] | undefined;
  /** The last block's decoded size (RFC 7541 §4.1: name, value and 32 octets each), its fields past the bound too. */
  readonly listSize: number;
};

/** Octets kept per decoded string (a block is at most 64 KiB); longer values are truncated but sized correctly. */
const maxStringKept = 65536;
/** Largest dynamic table we accept via a size update (§6.3); bounds memory on hostile input. */
const maxTableSizeLimit = 65536;
/**
 * Decoded size of the fields kept from one block (RFC 7541 §4.1: name, value and 32 octets each), as HTTP/1 keeps a
 * head of 64 KiB (ADR 30). Not a count: 256 harmless fields used to hide the 257th. A bound is still needed, as one
 * octet can repeat a 64 KiB table entry: fields past it are dropped.
 */
const maxListSize = 65536;
const staticCount = hpackStaticTable.length;

type Entry = { name: string; value: string; size: number };
type Cursor = { at: number };

/** §5.1 integer with an N-bit prefix; undefined on truncation or a value over 2^28. */
const readInteger = (block: Uint8Array, cursor: Cursor, prefixBits: number): number | undefined => {
  const mask = (1 << prefixBits) - 1;
  const first = block[cursor.at];
  if (first === undefined) return undefined;
  cursor.at += 1;
  let value = first & mask;
  if (value < mask) return value;
  for (let shift = 0; shift <= 21; shift += 7) {
    const byte = block[cursor.at];
    if (byte === undefined) return undefined;
    cursor.at += 1;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
};

/** §5.2 string literal: H bit, 7-bit-prefix length, octets (Huffman-coded when H is set). */
const readString = (block: Uint8Array, cursor: Cursor): { text: string; length: number } | undefined => {
  const huffman = ((block[cursor.at] ?? 0) & 0x80) !== 0;
  const length = readInteger(block, cursor, 7);
  if (length === undefined || cursor.at + length > block.length) return undefined;
  const raw = block.subarray(cursor.at, cursor.at + length);
  cursor.at += length;
  if (!huffman) return { text: latin1(raw, 0, maxStringKept), length };
  const decoded = hpackHuffman(raw, maxStringKept);
  return decoded && { text: latin1(decoded.bytes), length: decoded.length };
};

/** A decoder with its own dynamic table (one per direction of a connection); methods on the prototype. */
class Decoder implements HpackDecoder {
  /** Newest entry last; index 62 is the newest (§2.3.3). */
  private readonly table: Entry[] = [];
  private tableSize = 0;
  private maxSize = 4096;
  listSize = 0;

  private evict(): void {
    while (this.tableSize > this.maxSize && this.table.length > 0)
      this.tableSize -= this.table.shift()?.size ?? 0;
  }

  private lookup(index: number): Header | undefined {
    if (index >= 1 && index <= staticCount) return hpackStaticTable[index - 1];
    const entry = this.table[this.table.length - 1 - (index - staticCount - 1)];
    return entry && [entry.name, entry.value];
  }

  /** §4.4: adding an entry larger than the table empties it. */
  private insert(name: string, value: string, size: number): void {
    this.table.push({ name, value, size });
    this.tableSize += size;
    this.evict();
  }

  /** §6.2 literal header field; `prefixBits` 6 (incremental indexing) or 4 (without / never indexed). */
  private readLiteral(block: Uint8Array, cursor: Cursor, prefixBits: number): Entry | undefined {
    const index = readInteger(block, cursor, prefixBits);
    if (index === undefined) return undefined;
    let name: string;
    let nameLength: number;
    if (index === 0) {
      const literal = readString(block, cursor);
      if (literal === undefined) return undefined;
      name = literal.text;
      nameLength = literal.length;
    } else {
      const header = this.lookup(index);
      if (header === undefined) return undefined;
      name = header[0];
      nameLength = header[0].length;
    }
    const value = readString(block, cursor);
    if (value === undefined) return undefined;
    return { name, value: value.text, size: nameLength + value.length + 32 };
  }

  /** §6.3 dynamic table size update; null on success, undefined when over our limit. */
  private resize(block: Uint8Array, cursor: Cursor): null | undefined {
    const size = readInteger(block, cursor, 5);
    if (size === undefined || size > maxTableSizeLimit) return undefined;
    this.maxSize = size;
    this.evict();
    return null;
  }

  /** One representation (§6); returns the header, null for a size update, undefined when malformed. */
  private readField(block: Uint8Array, cursor: Cursor): Header | null | undefined {
    const first = block[cursor.at] ?? 0;
    if (first & 0x80) {
      const header = this.lookup(readInteger(block, cursor, 7) ?? 0);
      return header && [header[0], header[1]];
    }
    if ((first & 0xe0) === 0x20) return this.resize(block, cursor);
    const indexing = (first & 0xc0) === 0x40;
    const entry = this.readLiteral(block, cursor, indexing ? 6 : 4);
    if (entry === undefined) return undefined;
    if (indexing) this.insert(entry.name, entry.value, entry.size);
    return [entry.name, entry.value];
  }

  decode(block: Uint8Array): Header[] | undefined {
    const headers: Header[] = [];
    const cursor: Cursor = { at: 0 };
    let size = 0;
    while (cursor.at < block.length) {
      const field = this.readField(block, cursor);
      if (field === undefined) return undefined;
      if (field === null) continue;
      size += field[0].length + field[1].length + 32;
      if (size <= maxListSize) headers.push(field);
    }
    this.listSize = size;
    return headers;
  }
}

/** Creates a decoder with its own dynamic table (one per direction of a connection). */
export const createHpackDecoder = (): HpackDecoder => new Decoder();
