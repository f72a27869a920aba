/** Properties of the stream reassembler over random segmentations, orders and duplicate copies of one stream. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStreamReassembler } from '#sidecar/reassembly/stream-reassembler.ts';

const syn = 2;
const ack = 16;

/** The stream cut at `cuts`, as [offset, length] pieces. */
const piecesOf = (length: number, cuts: number[]): [number, number][] => {
  const points = [...new Set([0, ...cuts.map((c) => c % length), length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => [points[i] as number, end - (points[i] as number)]);
};

/** The stream's pieces sent in this order after a SYN at `isn`: the bytes delivered, and the holes skipped. */
const reassemble = (stream: Uint8Array, sends: [number, number][], isn: number) => {
  const parts: Uint8Array[] = [];
  let gaps = 0;
  const r = createStreamReassembler({
    data: (chunk) => parts.push(Uint8Array.from(chunk)),
    gap: () => gaps++,
  });
  r.segment(isn, syn, new Uint8Array(0), 0, 0);
  for (const [at, length] of sends)
    r.segment((isn + 1 + at) >>> 0, ack, stream.subarray(at, at + length), length, 0);
  r.flush();
  return { text: Buffer.concat(parts), gaps };
};

const streams = fc.uint8Array({ minLength: 1, maxLength: 600, size: 'max' });
const cuts = fc.array(fc.nat(), { maxLength: 80, size: 'max' });

describe('stream reassembler properties', () => {
  it('puts any order of a stream’s pieces, with repeated copies, back into the stream, across sequence wrap', () => {
    fc.assert(
      fc.property(
        streams,
        cuts,
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (stream, at, extra, seed, isn) => {
          const pieces = piecesOf(stream.length, at);
          const sends = [...pieces, ...extra.map((k) => pieces[k % pieces.length] as [number, number])];
          const shuffled =
            fc.sample(fc.shuffledSubarray(sends, { minLength: sends.length }), { numRuns: 1, seed })[0] ??
            sends;
          const out = reassemble(stream, shuffled, isn);
          expect(out.gaps).toBe(0);
          expect(Buffer.from(out.text).equals(Buffer.from(stream))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never holds more than its bounds, and keeps the awaited hole when the receiver waits for it', () => {
    const limits = { maxSegments: 16, maxBytes: 256, maxRunBytes: 64 };
    fc.assert(
      fc.property(streams, cuts, fc.nat(), (stream, at, seed) => {
        const pieces = piecesOf(stream.length, at);
        const [first, ...rest] = pieces;
        const shuffled =
          fc.sample(fc.shuffledSubarray(rest, { minLength: rest.length }), { numRuns: 1, seed })[0] ?? rest;
        // Everything but the first piece, in any order, then the first: the receiver acknowledged nothing yet.
        const parts: Uint8Array[] = [];
        let gaps = 0;
        const r = createStreamReassembler(
          { data: (c) => parts.push(Uint8Array.from(c)), gap: () => gaps++ },
          limits,
        );
        r.segment(0, syn, new Uint8Array(0), 0, 0);
        r.acknowledged(1);
        for (const [off, length] of shuffled) {
          r.segment(1 + off, ack, stream.subarray(off, off + length), length, 0);
          expect(r.heldBytes).toBeLessThanOrEqual(limits.maxBytes);
        }
        if (first !== undefined) r.segment(1, ack, stream.subarray(0, first[1]), first[1], 0);
        // The hole at the start was never given up: whatever came out starts with the stream's own first bytes.
        expect(gaps).toBe(0);
        const out = Buffer.concat(parts);
        expect(Buffer.from(stream.subarray(0, out.length)).equals(out)).toBe(true);
        expect(out.length).toBeGreaterThanOrEqual(first?.[1] ?? 0);
      }),
      { numRuns: 300 },
    );
  });
});
