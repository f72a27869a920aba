/** HPACK header block decoder (RFC 7541): static and dynamic tables, integers, Huffman strings; whole or in pieces. */
import type { Header } from '../events.ts';
import { hpackHuffman } from './hpack-huffman.ts';
import { endString, type OpenString, openString, takeString } from './hpack-open-string.ts';
import { hpackStaticTable } from './hpack-static-table.ts';
import { latin1 } from './wire-bytes.ts';

export type HpackDecoder = {
  /** Decodes one complete header block; undefined when it is malformed (the connection's state is then lost). */
  decode(block: Uint8Array): Header[] | undefined;
  /**
   * Starts a block that comes in pieces (HEADERS then CONTINUATION frames): `feed` each fragment (false when it is
   * malformed), then `finish` gives the headers as `decode` would. Nothing of a fragment is kept but the first octets
   * of a string longer than it (up to 64 KiB) and the few octets of an integer it cuts.
   */
  begin(): void;
  feed(fragment: Uint8Array): boolean;
  /** The headers of the block fed since `begin`; undefined when it was malformed or ended inside a field. */
  finish(): Header[] | undefined;
  /** The last block's decoded size (RFC 7541 §4.1: name, value and 32 octets each), its fields past the bound too. */
  readonly listSize: number;
};

/** Octets kept per decoded string; longer ones (a block fed in pieces runs to 1 MiB) are cut but sized correctly. */
const maxStringKept = 65536;
/** Largest dynamic table we accept via a size update (§6.3); bounds memory on hostile input. */
const maxTableSizeLimit = 65536;
/**
 * Decoded size of the fields kept from one block (RFC 7541 §4.1: name, value and 32 octets each), as HTTP/1 keeps a
 * head of 64 KiB (ADR 30). Not a count: 256 harmless fields used to hide the 257th. A bound is still needed, as one
 * octet can repeat a 64 KiB table entry: the field that crosses it keeps its value's start, those past it are dropped.
 */
const maxListSize = 65536;
const staticCount = hpackStaticTable.length;

type Entry = { name: string; value: string; size: number };
type Cursor = { at: number };
/** A field read across fragments: its name once read (undefined while the name literal is still to come). */
type OpenField = { indexing: boolean; name: string | undefined; nameLength: number };
/** What a step of the piecewise decoder did: read on, wait for the next fragment, or found the block malformed. */
type Step = 'done' | 'more' | 'bad';

const empty = new Uint8Array(0);

/** Keeps `field` (the list `before` it and `after` it in §4.1 sizes) within the list's first `maxListSize`. */
const keep = (headers: Header[], field: Header, before: number, after: number): void => {
  if (after <= maxListSize) headers.push(field);
  else if (before < maxListSize) {
    // The field across the bound: its name and the start of its value, as a head past 64 KiB is cut in HTTP/1.
    const room = maxListSize - before - 32 - field[0].length;
    if (room >= 0) headers.push([field[0], field[1].slice(0, room)]);
  }
};

/** Whether the §5.1 integer at `at` is whole in `block` ('more' when cut, 'bad' when longer than readInteger takes). */
const integerStep = (block: Uint8Array, at: number, prefixBits: number): Step => {
  const first = block[at];
  if (first === undefined) return 'more';
  const mask = (1 << prefixBits) - 1;
  if ((first & mask) < mask) return 'done';
  for (let i = 1; i <= 4; i += 1) {
    const byte = block[at + i];
    if (byte === undefined) return 'more';
    if ((byte & 0x80) === 0) return 'done';
  }
  return 'bad';
};

/** The prefix of a field's first integer (§6): indexed 7, size update 5, incremental indexing 6, other literals 4. */
const prefixOf = (first: number): number => {
  if (first & 0x80) return 7;
  if ((first & 0xe0) === 0x20) return 5;
  return (first & 0xc0) === 0x40 ? 6 : 4;
};

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
  /** The §4.1 size of the field `readField` last returned (a table entry's is its true size, however cut its value). */
  private fieldSize = 0;
  listSize = 0;
  /** The block being fed in pieces: its headers and size so far, the field and string it cuts, an integer's octets. */
  private headers: Header[] = [];
  private size = 0;
  private field: OpenField | undefined = undefined;
  private string: OpenString | undefined = undefined;
  private carry: Uint8Array = empty;
  private broken = false;

  private evict(): void {
    while (this.tableSize > this.maxSize && this.table.length > 0)
      this.tableSize -= this.table.shift()?.size ?? 0;
  }

  private lookup(index: number): Header | undefined {
    if (index >= 1 && index <= staticCount) {
      const header = hpackStaticTable[index - 1] as Header;
      this.fieldSize = header[0].length + header[1].length + 32;
      return header;
    }
    const entry = this.table[this.table.length - 1 - (index - staticCount - 1)];
    if (entry === undefined) return undefined;
    this.fieldSize = entry.size;
    return [entry.name, entry.value];
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

  /**
   * One representation (§6); returns the header, null for a size update, undefined when malformed or cut. Changes the
   * table only when the field is whole, so a cut field can be read again from its start.
   */
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
    this.fieldSize = entry.size;
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
      const before = size;
      size += this.fieldSize;
      if (size <= maxListSize) headers.push(field);
      else keep(headers, field, before, size);
    }
    this.listSize = size;
    return headers;
  }

  begin(): void {
    this.headers = [];
    this.size = 0;
    this.field = undefined;
    this.string = undefined;
    this.carry = empty;
    this.broken = false;
  }

  feed(fragment: Uint8Array): boolean {
    if (this.broken) return false;
    let block = fragment;
    if (this.carry.length > 0) {
      block = new Uint8Array(this.carry.length + fragment.length);
      block.set(this.carry);
      block.set(fragment, this.carry.length);
      this.carry = empty;
    }
    const cursor: Cursor = { at: 0 };
    while (cursor.at < block.length) {
      const step = this.field === undefined ? this.startField(block, cursor) : this.readOn(block, cursor);
      if (step === 'bad') {
        this.broken = true;
        return false;
      }
      // Only an integer is left cut here (a string is taken as it comes): at most five octets to carry.
      if (step === 'more') {
        this.carry = block.slice(cursor.at);
        break;
      }
    }
    return true;
  }

  finish(): Header[] | undefined {
    const whole = !this.broken && this.field === undefined && this.carry.length === 0;
    const headers = this.headers;
    this.listSize = this.size;
    this.begin();
    return whole ? headers : undefined;
  }

  private add(name: string, value: string, size: number): void {
    const before = this.size;
    this.size += size;
    if (before < maxListSize) keep(this.headers, [name, value], before, this.size);
  }

  /** A field from its start: read whole when it is, else opened to be read on from the next fragment. */
  private startField(block: Uint8Array, cursor: Cursor): Step {
    const start = cursor.at;
    const whole = this.readField(block, cursor);
    if (whole === null) return 'done';
    if (whole !== undefined) {
      this.add(whole[0], whole[1], this.fieldSize);
      return 'done';
    }
    cursor.at = start;
    const first = block[start] ?? 0;
    const prefix = prefixOf(first);
    const integer = integerStep(block, start, prefix);
    // An indexed field or a size update whose integer is whole, yet not read, is malformed.
    if (integer !== 'done' || prefix === 7 || prefix === 5) return integer === 'more' ? 'more' : 'bad';
    const index = readInteger(block, cursor, prefix) ?? 0;
    const named = index === 0 ? undefined : this.lookup(index);
    if (index !== 0 && named === undefined) return 'bad';
    this.field = { indexing: prefix === 6, name: named?.[0], nameLength: named?.[0].length ?? 0 };
    return this.readOn(block, cursor);
  }

  /** The open field's next string (its name, then its value), from its start or where the last fragment left it. */
  private readOn(block: Uint8Array, cursor: Cursor): Step {
    let string = this.string;
    if (string === undefined) {
      const start = cursor.at;
      const integer = integerStep(block, start, 7);
      if (integer !== 'done') return integer;
      const huffman = ((block[start] ?? 0) & 0x80) !== 0;
      const length = readInteger(block, cursor, 7) ?? 0;
      if (cursor.at + length <= block.length) {
        cursor.at = start;
        const whole = readString(block, cursor);
        return whole === undefined ? 'bad' : this.endOfString(whole.text, whole.length);
      }
      string = openString(huffman, length, maxStringKept);
      this.string = string;
    }
    if (!takeString(string, block, cursor)) return 'bad';
    if (string.seen < string.length) return 'more';
    this.string = undefined;
    const whole = endString(string);
    return whole === undefined ? 'bad' : this.endOfString(whole.text, whole.length);
  }

  /** A string of the open field read: its name, or its value, which ends the field (indexed with its true size). */
  private endOfString(text: string, length: number): Step {
    const field = this.field as OpenField;
    if (field.name === undefined) {
      field.name = text;
      field.nameLength = length;
      return 'done';
    }
    this.field = undefined;
    const size = field.nameLength + length + 32;
    if (field.indexing) this.insert(field.name, text, size);
    this.add(field.name, text, size);
    return 'done';
  }
}

/** Creates a decoder with its own dynamic table (one per direction of a connection). */
export const createHpackDecoder = (): HpackDecoder => new Decoder();
