/**
 * The HPACK Huffman nibble table shipped in `hpack-nibble-table.ts` is the one `buildNibbleTable` makes from RFC 7541
 * Appendix B's code lengths: fails when either changes without `npm run hpack:table`.
 */
import { describe, expect, it } from 'vitest';
import { buildNibbleTable } from '#sidecar/protocols/hpack-nibble-build.ts';
import { decodeNibbleTable } from '#sidecar/protocols/hpack-nibble-decode.ts';
import { hpackNibbleTable } from '#sidecar/protocols/hpack-nibble-table.ts';

describe('hpack nibble table', () => {
  it('decodes to the table built from the code lengths (run npm run hpack:table if not)', () => {
    const built = buildNibbleTable();
    const shipped = decodeNibbleTable(hpackNibbleTable);
    expect(shipped.next.length).toBeGreaterThan(16 * 200);
    expect(Array.from(shipped.next)).toEqual(Array.from(built.next));
    expect(Array.from(shipped.symbol)).toEqual(Array.from(built.symbol));
    expect(Array.from(shipped.accepting)).toEqual(Array.from(built.accepting));
  });
});
