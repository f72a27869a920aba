/**
 * The source text of `hpack-nibble-table.ts`: the nibble table `buildNibbleTable` makes, its arrays as little-endian
 * base64 in lines of 100 characters. Written by `npm run hpack:table`; compared with the file by a test.
 */
import { buildNibbleTable } from './hpack-nibble-build.ts';

const lines = (bytes: Uint8Array): string => {
  const text = Buffer.from(bytes).toString('base64');
  const out: string[] = [];
  for (let at = 0; at < text.length; at += 100) out.push(`    '${text.slice(at, at + 100)}',`);
  return out.join('\n');
};

const int16Bytes = (values: Int16Array): Uint8Array => {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setInt16(i * 2, values[i] as number, true);
  return bytes;
};

export const nibbleTableSource = (): string => {
  const table = buildNibbleTable();
  return `/**
 * The HPACK Huffman decoder's nibble table (hpack-nibble-build.ts), written by \`npm run hpack:table\`: do not edit.
 * \`next\` and \`symbol\` are little-endian 16-bit integers, \`accepting\` octets, each in base64
 * (hpack-nibble-decode.ts reads them).
 */
import type { EncodedNibbleTable } from './hpack-nibble-decode.ts';

export const hpackNibbleTable: EncodedNibbleTable = {
  next: [
${lines(int16Bytes(table.next))}
  ],
  symbol: [
${lines(int16Bytes(table.symbol))}
  ],
  accepting: [
${lines(table.accepting)}
  ],
};
`;
};
