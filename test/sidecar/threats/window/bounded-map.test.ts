import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedMap } from '#sidecar/threats/window/bounded-map.ts';

/** The plain definition: insert at the end, drop the first key past the bound. */
const reference = (max: number) => {
  const map = new Map<string, number>();
  const evicted: string[] = [];
  return {
    map,
    evicted,
    upsert(key: string, value: number) {
      if (map.has(key)) return map.get(key);
      map.set(key, value);
      if (map.size > max) {
        const [oldest] = map.keys();
        if (oldest !== undefined) {
          map.delete(oldest);
          evicted.push(oldest);
        }
      }
      return value;
    },
  };
};

const operation = fc.record({
  op: fc.constantFrom('upsert', 'upsert', 'upsert', 'delete', 'get'),
  key: fc.integer({ min: 0, max: 40 }).map(String),
});

describe('boundedMap', () => {
  it('keeps and evicts exactly what first in, first out does, across deletes and re-inserts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(operation, { maxLength: 400 }), (max, ops) => {
        const evicted: string[] = [];
        const bounded = boundedMap<number>(max, (key) => evicted.push(key));
        const expected = reference(max);
        ops.forEach(({ op, key }, i) => {
          if (op === 'upsert') expect(bounded.upsert(key, () => i)).toBe(expected.upsert(key, i));
          if (op === 'delete') {
            bounded.delete(key);
            expected.map.delete(key);
          }
          if (op === 'get') expect(bounded.get(key)).toBe(expected.map.get(key));
        });
        expect([...bounded.entries()]).toEqual([...expected.map.entries()]);
        expect(evicted).toEqual(expected.evicted);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the same entries when it reuses evicted values, and hands each new key the value just evicted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(operation, { maxLength: 400 }), (max, ops) => {
        const evicted: string[] = [];
        const reused: { key: string }[] = [];
        const bounded = boundedMap<{ key: string }>(
          max,
          (key, value) => {
            evicted.push(key);
            expect(value.key).toBe(key);
          },
          (value) => {
            reused.push(value);
            return value;
          },
        );
        const expected = reference(max);
        ops.forEach(({ op, key }, i) => {
          if (op === 'upsert') {
            const before = reused.length;
            const value = bounded.upsert(key, () => ({ key }));
            expected.upsert(key, i);
            // A reused value is the evicted entry's object, renamed here as its owner would reset it.
            if (reused.length > before) {
              expect(value).toBe(reused.at(-1));
              value.key = key;
            }
          }
          if (op === 'delete') {
            bounded.delete(key);
            expected.map.delete(key);
          }
        });
        expect([...bounded.entries()].map(([key, value]) => [key, value.key])).toEqual(
          [...expected.map.keys()].map((key) => [key, key]),
        );
        expect(evicted).toEqual(expected.evicted);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the newest entries when 200,000 keys pass through a bound of 8192', () => {
    // How fast eviction is belongs to a benchmark, not a test (a fresh iterator per eviction walked the deleted
    // slots: about 0.8 s here where this takes 0.15 s); the test holds what it must keep.
    const map = boundedMap<number>(8192);
    for (let i = 0; i < 200_000; i++) map.upsert(`k${i}`, () => i);
    expect(map.size).toBe(8192);
    expect([...map.entries()][0]).toEqual(['k191808', 191_808]);
    expect([...map.entries()].at(-1)).toEqual(['k199999', 199_999]);
  });
});
