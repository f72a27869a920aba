/**
 * The HPACK decoder fed a block in pieces (HEADERS then CONTINUATION frames): whatever the cuts, the same headers, list
 * size and dynamic table as the block decoded whole, from blocks built by the RFC 7541 encoder in hpack-encoder.ts; a
 * string longer than the 64 KiB kept is cut but sized and indexed with its true length (§4.1, §4.4).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Header } from '#sidecar/events.ts';
import { createHpackDecoder, type HpackDecoder } from '#sidecar/protocols/hpack-decoder.ts';
import { hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { HpackTableModel, hpackBlock, hpackInteger, type Representation } from './hpack-encoder.ts';

/** Feeds `block` cut at `cuts` (offsets, any order, repeats allowed); the pieces are overwritten once fed. */
const inPieces = (
  decoder: HpackDecoder,
  block: Uint8Array,
  cuts: readonly number[],
): Header[] | undefined => {
  const points = [...new Set([0, ...cuts.map((c) => Math.min(c, block.length)), block.length])].sort(
    (a, b) => a - b,
  );
  decoder.begin();
  for (let i = 0; i + 1 < points.length; i += 1) {
    const piece = block.slice(points[i], points[i + 1]);
    if (!decoder.feed(piece)) return decoder.finish();
    piece.fill(0xff); // the caller's memory may be reused once feed returns
  }
  return decoder.finish();
};

/** Every dynamic entry by index (62 up), as a probe of the table. */
const probe = (model: HpackTableModel) =>
  Uint8Array.from(model.entries.flatMap((_, i) => hpackInteger(62 + i, 7, 0x80)));

const latin1Text = (max: number) =>
  fc
    .array(fc.integer({ min: 0, max: 255 }), { maxLength: max })
    .map((codes) => String.fromCharCode(...codes));

/** A field as drawn; made valid against the encoder's table when the block is built. */
const recipe = fc.record({
  kind: fc.constantFrom('indexed', 'incremental', 'without', 'never', 'size-update'),
  pick: fc.nat(),
  literalName: fc.boolean(),
  name: latin1Text(12),
  value: fc.oneof(latin1Text(40), latin1Text(400)),
  huffman: fc.boolean(),
});
type Recipe = typeof recipe extends fc.Arbitrary<infer T> ? T : never;

const fieldOf = (model: HpackTableModel, r: Recipe): Representation => {
  const indices = 61 + model.entries.length;
  if (r.kind === 'indexed') return { kind: 'indexed', index: 1 + (r.pick % indices) };
  if (r.kind === 'size-update') return { kind: 'size-update', size: r.pick % 4097 };
  const name = r.literalName ? r.name : 1 + (r.pick % indices);
  return { kind: r.kind, name, value: r.value, huffman: r.huffman };
};

describe('HPACK decoder fed a block in pieces', () => {
  it('gives the headers, list size and table of the whole block, wherever the block is cut (fast-check)', () => {
    const blocks = fc.array(
      fc.record({
        fields: fc.array(recipe, { maxLength: 12 }),
        cuts: fc.array(fc.nat(3000), { maxLength: 8 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(blocks, (drawn) => {
        const model = new HpackTableModel();
        const whole = createHpackDecoder();
        const pieces = createHpackDecoder();
        for (const { fields, cuts } of drawn) {
          // Built field by field: a field's index must name an entry the fields before it left in the table.
          const built = hpackBlock(model, []);
          const octets: number[] = [];
          for (const r of fields) {
            const one = hpackBlock(model, [fieldOf(model, r)]);
            octets.push(...one.block);
            built.headers.push(...one.headers);
          }
          const block = Uint8Array.from(octets);
          expect(whole.decode(block)).toEqual(built.headers);
          expect(inPieces(pieces, block, cuts)).toEqual(built.headers);
          expect(pieces.listSize).toBe(whole.listSize);
        }
        const table = model.entries.map((e) => [e[0], e[1]]);
        expect(whole.decode(probe(model))).toEqual(table);
        expect(pieces.decode(probe(model))).toEqual(table);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the whole block on random octets too, malformed or not, and never throws (fast-check)', () => {
    const octets = fc.uint8Array({ maxLength: 48 });
    const blocks = fc.array(fc.record({ bytes: octets, cuts: fc.array(fc.nat(48), { maxLength: 6 }) }), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(blocks, (drawn) => {
        const whole = createHpackDecoder();
        const pieces = createHpackDecoder();
        for (const { bytes, cuts } of drawn) {
          const expected = whole.decode(bytes);
          expect(inPieces(pieces, bytes, cuts)).toEqual(expected);
          if (expected === undefined) return; // the connection's HPACK state is lost: the session stops there
          expect(pieces.listSize).toBe(whole.listSize);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same at every cut of a block with Huffman strings, literal names and table entries', () => {
    const model = new HpackTableModel();
    const { block, headers } = hpackBlock(model, [
      { kind: 'indexed', index: 2 },
      { kind: 'incremental', name: ':path', value: "/search?q=' OR 1=1--", huffman: true },
      { kind: 'incremental', name: 1, value: 'www.example.com', huffman: true },
      {
        kind: 'without',
        name: 'user-agent',
        value: 'Mozilla/5.0 (X11; Linux x86_64) \u00e9\u00ff\u0000',
        huffman: true,
      },
      { kind: 'never', name: 'cookie', value: 'id=0123456789abcdef', huffman: false },
      { kind: 'indexed', index: 62 },
      { kind: 'size-update', size: 100 },
      { kind: 'indexed', index: 62 },
    ]);
    const table = model.entries.map((e) => [e[0], e[1]]);
    expect(table).toEqual([[':authority', 'www.example.com']]); // the size update evicted the older entry
    for (let cut = 0; cut <= block.length; cut += 1) {
      const decoder = createHpackDecoder();
      expect(inPieces(decoder, block, [cut]), `cut at ${cut}`).toEqual(headers);
      expect(decoder.decode(probe(model)), `cut at ${cut}`).toEqual(table);
    }
    const octets = createHpackDecoder();
    expect(
      inPieces(
        octets,
        block,
        Array.from(block, (_, i) => i),
      ),
    ).toEqual(headers); // one octet at a time
    expect(octets.decode(probe(model))).toEqual(table);
  });

  it('decodes RFC 7541 C.4 (Huffman) and C.6 (evictions) one octet at a time', () => {
    const d = createHpackDecoder();
    const c41 = hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff');
    const octets = (block: Uint8Array) =>
      inPieces(
        d,
        block,
        Array.from(block, (_, i) => i),
      );
    expect(octets(c41)).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(octets(hex('8286 84be 5886 a8eb 1064 9cbf'))?.at(-1)).toEqual(['cache-control', 'no-cache']);
    expect(octets(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'))?.at(-1)).toEqual([
      'custom-key',
      'custom-value',
    ]);
  });

  for (const huffman of [false, true])
    for (const indexing of ['incremental', 'without'] as const)
      it(`reads a 200 KiB literal in 16 KiB pieces (${indexing} indexing, Huffman ${huffman}), sized whole, kept cut`, () => {
        const model = new HpackTableModel();
        const cookie = 'c'.repeat(200 * 1024);
        const { block } = hpackBlock(model, [
          { kind: 'incremental', name: 'x-id', value: '7', huffman: false },
          { kind: indexing, name: 'cookie', value: cookie, huffman },
          { kind: 'incremental', name: 1, value: 'after', huffman },
        ]);
        const decoder = createHpackDecoder();
        const cuts = Array.from({ length: Math.ceil(block.length / 16_384) }, (_, i) => i * 16_384);
        // The cookie crosses the 64 KiB of list kept: the start of its value that fits is kept (65 536 - 37 - 38), and
        // the field after it is dropped, yet decoded.
        expect(inPieces(decoder, block, cuts)).toEqual([
          ['x-id', '7'],
          ['cookie', cookie.slice(0, 65_461)],
        ]);
        expect(decoder.listSize).toBe(4 + 1 + 32 + (6 + cookie.length + 32) + (10 + 5 + 32)); // §4.1, the cookie whole
        const whole = createHpackDecoder();
        expect(whole.decode(block)).toEqual([
          ['x-id', '7'],
          ['cookie', cookie.slice(0, 65_461)],
        ]);
        expect(whole.listSize).toBe(decoder.listSize);
        // §4.4: the cookie, larger than the table, emptied it when indexed; else x-id is still there, behind :authority.
        const table =
          indexing === 'incremental'
            ? [[':authority', 'after']]
            : [
                [':authority', 'after'],
                ['x-id', '7'],
              ];
        expect(model.entries.map((e) => [e[0], e[1]])).toEqual(table);
        expect(decoder.decode(probe(model))).toEqual(table);
        expect(decoder.decode(hex('bf'))).toEqual(indexing === 'incremental' ? undefined : [['x-id', '7']]);
      });

  it('drops fields past 64 KiB of list from the headers, yet indexes them for the next block', () => {
    const model = new HpackTableModel();
    const { block } = hpackBlock(model, [
      { kind: 'without', name: 'cookie', value: 'c'.repeat(70_000), huffman: false },
      { kind: 'incremental', name: 'x-late', value: 'v', huffman: true },
    ]);
    const decoder = createHpackDecoder();
    expect(inPieces(decoder, block, [30_000, 60_000])?.map((h) => h[0])).toEqual(['cookie']);
    expect(decoder.decode(hex('be'))).toEqual([['x-late', 'v']]);
  });

  it('refuses a block that ends inside a field, a bad Huffman code, an index it lacks, an endless integer', () => {
    const ends = createHpackDecoder();
    expect(inPieces(ends, hex('4005 6162'), [3])).toBeUndefined(); // name literal says 5 octets, 2 follow
    const huffman = createHpackDecoder();
    huffman.begin();
    expect(huffman.feed(hex('0082 ff'))).toBe(true);
    expect(huffman.feed(hex('ff 01 61'))).toBe(false); // ffff: EOS inside the name
    expect(huffman.finish()).toBeUndefined();
    expect(inPieces(createHpackDecoder(), hex('be'), [])).toBeUndefined(); // index 62, empty table
    expect(inPieces(createHpackDecoder(), hex('ff ff ff ff ff ff 7f'), [2, 4])).toBeUndefined();
    expect(inPieces(createHpackDecoder(), hex('0f ff ff ff ff ff 7f'), [1, 3])).toBeUndefined(); // the name's index
    // The decoder starts each block afresh: a refused one leaves it ready for the next.
    expect(inPieces(huffman, hex('82'), [])).toEqual([[':method', 'GET']]);
  });
});
