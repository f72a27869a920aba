/**
 * Test helper: an HPACK encoder (RFC 7541) written from the RFC, to build header blocks of any shape (every
 * representation, Huffman or not, size updates), with a model of the dynamic table it fills so that it only names
 * entries the decoder holds.
 */
import { hpackCodeLengths } from '#sidecar/protocols/hpack-nibble-build.ts';
import { hpackStaticTable } from '#sidecar/protocols/hpack-static-table.ts';

/** §5.1: `value` with an N-bit prefix, the first octet's high bits set to `flags`. */
export const hpackInteger = (value: number, prefixBits: number, flags = 0): number[] => {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) return [flags | value];
  const out = [flags | mask];
  let rest = value - mask;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
};

/** The canonical codes of Appendix B, from the code lengths (codes in order of length, then symbol). */
const codes = (() => {
  const order = hpackCodeLengths.map((length, symbol) => ({ length, symbol }));
  order.sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const out = new Array<{ code: number; length: number }>(257);
  let code = 0;
  let previous = 0;
  for (const { length, symbol } of order) {
    code *= 2 ** (length - previous);
    previous = length;
    out[symbol] = { code, length };
    code += 1;
  }
  return out;
})();

/** §5.2 Huffman coding of `octets`, padded with the high bits of EOS (ones). */
export const huffmanEncode = (octets: Uint8Array): number[] => {
  const bits: number[] = [];
  for (const octet of octets) {
    const { code, length } = codes[octet] as { code: number; length: number };
    for (let bit = length - 1; bit >= 0; bit -= 1) bits.push(Math.floor(code / 2 ** bit) % 2);
  }
  while (bits.length % 8 !== 0) bits.push(1);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => a * 2 + b, 0));
  return out;
};

/** §5.2 string literal. */
export const hpackString = (text: string, huffman: boolean): number[] => {
  const raw = Buffer.from(text, 'latin1');
  const octets = huffman ? huffmanEncode(raw) : [...raw];
  return [...hpackInteger(octets.length, 7, huffman ? 0x80 : 0), ...octets];
};

export type Representation =
  | { kind: 'indexed'; index: number }
  | { kind: 'size-update'; size: number }
  | {
      kind: 'incremental' | 'without' | 'never';
      /** A table index for the name, or a literal one. */
      name: number | string;
      value: string;
      huffman: boolean;
    };

const literalFlags = { incremental: [0x40, 6], without: [0x00, 4], never: [0x10, 4] } as const;

/** The encoder's side of the table (§4): what the decoder will hold once it reads what this encoded. */
export class HpackTableModel {
  entries: [string, string, number][] = [];
  maxSize = 4096;

  lookup(index: number): [string, string] {
    if (index <= hpackStaticTable.length) return hpackStaticTable[index - 1] as [string, string];
    const entry = this.entries[index - hpackStaticTable.length - 1];
    if (entry === undefined) throw new Error(`no entry ${index}`);
    return [entry[0], entry[1]];
  }

  /** The octets of `field`, applied to the table; the header it decodes to (undefined for a size update). */
  encode(field: Representation): { octets: number[]; header: [string, string] | undefined } {
    if (field.kind === 'indexed')
      return { octets: hpackInteger(field.index, 7, 0x80), header: this.lookup(field.index) };
    if (field.kind === 'size-update') {
      this.maxSize = field.size;
      this.evict();
      return { octets: hpackInteger(field.size, 5, 0x20), header: undefined };
    }
    const [flags, prefix] = literalFlags[field.kind];
    const name = typeof field.name === 'number' ? this.lookup(field.name)[0] : field.name;
    const octets = [
      ...hpackInteger(typeof field.name === 'number' ? field.name : 0, prefix, flags),
      ...(typeof field.name === 'number' ? [] : hpackString(field.name, field.huffman)),
      ...hpackString(field.value, field.huffman),
    ];
    if (field.kind === 'incremental') {
      this.entries.unshift([name, field.value, name.length + field.value.length + 32]);
      this.evict();
    }
    return { octets, header: [name, field.value] };
  }

  private evict(): void {
    while (this.entries.reduce((sum, e) => sum + e[2], 0) > this.maxSize) this.entries.pop();
  }
}

/** A block of `fields` encoded against `model`, and the headers it decodes to. */
export const hpackBlock = (
  model: HpackTableModel,
  fields: readonly Representation[],
): { block: Uint8Array; headers: [string, string][] } => {
  const octets: number[] = [];
  const headers: [string, string][] = [];
  for (const field of fields) {
    const encoded = model.encode(field);
    for (const octet of encoded.octets) octets.push(octet);
    if (encoded.header) headers.push(encoded.header);
  }
  return { block: Uint8Array.from(octets), headers };
};
