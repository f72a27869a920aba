import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionIndex } from '#sidecar/threats/window/connection-index.ts';

const a = { ip: '10.0.0.1', port: 40_000 };
const b = { ip: '10.0.0.2', port: 80 };
const v6 = { ip: 'fd00::2', port: 80 };
type End = { ip: string; port: number };
/** Text form (no address numbers), as for IPv6. */
const text = (src: End, dst: End) => [src.ip, src.port, dst.ip, dst.port, -1, -1] as const;

/** The plain definition: add at the end (when absent), drop the first key past the bound. */
const reference = (max: number) => {
  const map = new Map<number, number>();
  const evicted: number[] = [];
  return {
    map,
    evicted,
    add(port: number, value: number): boolean {
      if (map.has(port)) return false;
      map.set(port, value);
      const [oldest] = map.keys();
      if (map.size > max && oldest !== undefined) {
        map.delete(oldest);
        evicted.push(oldest);
      }
      return true;
    },
  };
};

describe('connectionIndex', () => {
  it('finds a connection by its direction and endpoints, not by the reverse or a lookalike', () => {
    const index = connectionIndex<string>(4);
    index.add(...text(a, b), 'a→b');
    expect(index.get(...text({ ...a }, { ...b }))?.value).toBe('a→b');
    expect(index.get(...text(b, a))).toBeUndefined();
    expect(index.get(...text(a, v6))).toBeUndefined();
    expect(index.get(...text(a, { ...b, port: 81 }))).toBeUndefined();
  });

  it('matches address numbers with address numbers and text with text, never across', () => {
    const index = connectionIndex<string>(1);
    index.add(a.ip, a.port, b.ip, b.port, 0x0a000001, 0x0a000002, 'numbers');
    expect(index.get('', a.port, '', b.port, 0x0a000001, 0x0a000002)?.value).toBe('numbers');
    expect(index.get(...text(a, b))).toBeUndefined();
    index.add(...text(a, b), 'text');
    expect(index.get(...text(a, b))?.value).toBe('text');
    expect(index.get(a.ip, a.port, b.ip, b.port, 0x0a000001, 0x0a000002)?.value).toBe('numbers');
  });

  it('keeps colliding connections apart and deletes only the one named', () => {
    // Two buckets: hundreds of connections share each chain.
    const index = connectionIndex<number>(1);
    for (let port = 0; port < 500; port++) index.add(...text({ ...a, port }, b), port);
    const gone = index.delete(...text({ ...a, port: 250 }, b));
    expect(gone?.value).toBe(250);
    expect(gone?.present).toBe(false);
    expect(index.delete(...text({ ...a, port: 9_999 }, b))).toBeUndefined();
    expect(index.get(...text({ ...a, port: 250 }, b))).toBeUndefined();
    for (const port of [0, 1, 249, 251, 499]) expect(index.get(...text({ ...a, port }, b))?.value).toBe(port);
    expect(index.size).toBe(499);
  });

  it('keeps and evicts exactly what first in, first out does, across deletes and re-adds', () => {
    const operation = fc.record({
      op: fc.constantFrom('add', 'add', 'add', 'delete', 'get'),
      port: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(operation, { maxLength: 400 }), (max, ops) => {
        const evicted: number[] = [];
        const index = connectionIndex<number>(2, max, (entry) => evicted.push(entry.srcPort));
        const expected = reference(max);
        ops.forEach(({ op, port }, i) => {
          const key = text({ ...a, port }, b);
          if (op === 'add' && expected.add(port, i)) index.add(...key, i);
          if (op === 'delete') {
            expect(index.delete(...key)?.value).toBe(expected.map.get(port));
            expected.map.delete(port);
          }
          if (op === 'get') expect(index.get(...key)?.value).toBe(expected.map.get(port));
        });
        expect(index.size).toBe(expected.map.size);
        expect(evicted).toEqual(expected.evicted);
      }),
      { numRuns: 300 },
    );
  });

  it('stays within its bound however many spoofed connections open', () => {
    const index = connectionIndex<number>(8, 1000);
    for (let i = 0; i < 100_000; i++) index.add('', i & 0xffff, '', 80, i, 0x0a000002, i);
    expect(index.size).toBe(1000);
    expect(index.get('', 99_999 & 0xffff, '', 80, 99_999, 0x0a000002)?.value).toBe(99_999);
    expect(index.get('', 0, '', 80, 0, 0x0a000002)).toBeUndefined();
  });
});
