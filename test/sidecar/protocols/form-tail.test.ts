/**
 * The form reader past a request body's bound (ADR 46): later fields kept as sent, the field the bound cut read on
 * under its name, the same whatever the chunking; padding repeated or plain does not push out a field that holds a
 * trigger character; bounded and linear on 10 MiB.
 */
import { describe, expect, it } from 'vitest';
import type { LaterValues } from '#sidecar/events.ts';
import { createFormTail } from '#sidecar/protocols/form-tail.ts';
import { laterValuesBudget } from '#sidecar/protocols/later-values.ts';

const ascii = (text: string) => new TextEncoder().encode(text);

/** The values a tail keeps of `rest`, read after `kept`, in chunks of `chunk` octets. */
const read = (kept: string, rest: string | Uint8Array, chunk = 1448): LaterValues => {
  const tail = createFormTail([ascii(kept)]);
  const bytes = typeof rest === 'string' ? ascii(rest) : rest;
  for (let at = 0; at < bytes.length; at += chunk) tail.feed(bytes.subarray(at, at + chunk));
  return tail.result();
};

const keptSize = (later: LaterValues) =>
  later.values.reduce((n, [name, value]) => n + name.length + value.length, 0);

describe('form tail', () => {
  it('reads on the field the bound cut, under its name, and the later fields as sent, in any chunking', () => {
    const rest = `${'A'.repeat(30_000)}&q=1%27%20OR%201%3D1--&next=ok&flag`;
    const whole = read('a=1&pad=AAAA', rest, rest.length);
    expect(whole.values).toEqual([
      ['pad', 'A'.repeat(64)],
      ['q', '1%27%20OR%201%3D1--'],
      ['next', 'ok'],
      ['flag', 'flag'],
    ]);
    expect(whole.unread).toBe(0);
    for (const chunk of [1, 2, 3, 7, 1000])
      expect(read('a=1&pad=AAAA', rest, chunk), String(chunk)).toEqual(whole);
  });

  it('keeps a long value of text at its start and end, and counts the middle unread', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join('+');
    const later = read('a=', `b&note=${words}%27+OR+1%3D1--`);
    const note = later.values.find(([name]) => name === 'note')?.[1] ?? '';
    expect(note.endsWith('%27+OR+1%3D1--')).toBe(true);
    expect(note.length).toBeLessThanOrEqual(16 * 1024 + 1);
    expect(later.unread).toBe(1);
  });

  it('padding of repeated fields, then the attack, then more padding: the attack is kept, nothing unread', () => {
    const pad = 'pad=AAAAAAAA&'.repeat(20_000);
    const later = read('x=', `1&${pad}q=%27+OR+1%3D1--&${pad}end=1`);
    expect(later.values.map(([name]) => name)).toEqual(['x', 'pad', 'q', 'end']);
    expect(later.unread).toBe(0);
  });

  it('many different plain fields, then the attack, then more: plain ones fill a quarter, the attack is kept', () => {
    const pad = (from: number) =>
      Array.from({ length: 20_000 }, (_, i) => `f${from + i}=value${from + i}`).join('&');
    const later = read('x=', `1&${pad(0)}&q=%27+OR+1%3D1--&${pad(20_000)}`);
    expect(later.values).toContainEqual(['q', '%27+OR+1%3D1--']);
    expect(later.unread).toBeGreaterThan(30_000);
    expect(keptSize(later)).toBeLessThanOrEqual(16 * 1024);
  });

  it('many different fields each with a trigger character push the attack out: the limit, counted unread', () => {
    const pad = Array.from({ length: 10_000 }, (_, i) => `f${i}=it%27s+${i}`).join('&');
    const later = read('x=', `1&${pad}&q=%27+OR+1%3D1--`);
    expect(later.values).not.toContainEqual(['q', '%27+OR+1%3D1--']);
    expect(later.unread).toBeGreaterThan(0);
  });

  it('10 MiB in 1-KiB chunks: what is kept stays within the bound, in linear time', () => {
    const chunk = (n: number) =>
      ascii(`${Array.from({ length: 64 }, (_, i) => `k${i}=v%3C${n}`).join('&')}&`.padEnd(1024, 'z'));
    const tail = createFormTail([ascii('a=')]);
    const started = performance.now();
    for (let i = 0; i < 10 * 1024; i++) tail.feed(chunk(i));
    const later = tail.result();
    expect(keptSize(later) + 16 * later.values.length).toBeLessThanOrEqual(laterValuesBudget);
    expect(later.unread).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('hostile octets never throw, in any chunking', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 50; round++) {
      const bytes = Uint8Array.from(
        { length: 4000 },
        () => [0x26, 0x3d, 0x25, random() & 0xff][random() % 4] ?? 0,
      );
      expect(() => read(String.fromCharCode(random() & 0xff), bytes, 1 + (random() % 300))).not.toThrow();
    }
  });
});
