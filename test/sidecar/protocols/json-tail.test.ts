/**
 * The JSON reader past a request body's bound (ADR 46): later strings kept under the last key, keys that are not
 * words kept, escapes decoded as JSON.parse does, the string the bound cut read on, the same whatever the chunking;
 * bounded and linear on 10 MiB; hostile octets never throw.
 */
import { describe, expect, it } from 'vitest';
import type { LaterValues } from '#sidecar/events.ts';
import { createJsonTail, jsonUnescape } from '#sidecar/protocols/json-tail.ts';
import { createLaterTail } from '#sidecar/protocols/later-tail.ts';
import { laterValuesBudget } from '#sidecar/protocols/later-values.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

const read = (kept: string, rest: string | Uint8Array, chunk = 1448): LaterValues => {
  const tail = createJsonTail([utf8(kept)]);
  const bytes = typeof rest === 'string' ? utf8(rest) : rest;
  for (let at = 0; at < bytes.length; at += chunk) tail.feed(bytes.subarray(at, at + chunk));
  return tail.result();
};

describe('json tail', () => {
  it('keeps later strings and odd keys, escapes decoded, the same in any chunking', () => {
    const rest = `x"}, {"q": "<script>alert(1)<\\/script>", "n": 5, "a\\"b": ["caf\\u00e9", "\\\\"], "ok": true}]`;
    const whole = read('[{"pad": "xxx', rest, rest.length);
    expect(whole.values).toEqual([
      ['$[].pad', 'x'],
      ['$[].q', '<script>alert(1)</script>'],
      ['$[] key', 'a"b'],
      ['$[].a"b[]', 'café'],
      ['$[].a"b[]', '\\'],
    ]);
    expect(whole.unread).toBe(0);
    for (const chunk of [1, 2, 3, 5, 1000])
      expect(read('[{"pad": "xxx', rest, chunk), String(chunk)).toEqual(whole);
  });

  it('knows from the octets kept whether the bound fell in a string, an escape included', () => {
    // The kept part ends inside a string, after an escaped quote: the rest of that string is not a key or a value
    // of its own, and the string after it is.
    expect(read('{"a": "say \\"hi', '\\" there", "q": "\' OR 1=1--"}').values).toEqual([
      ['$.a', '" there'],
      ['$.q', "' OR 1=1--"],
    ]);
    expect(read('{"a": "done", ', '"q": "\' OR 1=1--"}').values).toEqual([['$.q', "' OR 1=1--"]]);
  });

  it('a 70 KB array of records, then the attack, then more records: the attack is kept', () => {
    const records = (from: number) =>
      Array.from(
        { length: 1500 },
        (_, i) => `{"id": ${from + i}, "name": "user${from + i}", "city": "Paris"}`,
      ).join(',');
    const later = read('[', `${records(0)}, {"q": "<script>alert(1)</script>"}, ${records(1500)}]`);
    expect(later.values).toContainEqual(['$[].q', '<script>alert(1)</script>']);
  });

  it('chooses JSON by media type or by a text body that opens with { or [; XML, a form, text by theirs', () => {
    const kept = [utf8(' [1, 2')];
    const kind = (type: string, encoding: string, from: Uint8Array[]) =>
      createLaterTail(type, encoding, from)?.result().kind;
    expect(kind('application/json; charset=utf-8', '', kept)).toBe('json');
    expect(kind('application/vnd.api+json', 'identity', kept)).toBe('json');
    expect(kind('', '', kept)).toBe('json');
    expect(kind('text/plain', '', kept)).toBe('json');
    expect(kind('text/plain', '', [utf8('hello')])).toBe('text');
    expect(kind('', '', [utf8('hello')])).toBe('text');
    expect(kind('application/xml', '', kept)).toBe('xml');
    expect(kind('application/soap+xml; charset=utf-8', '', kept)).toBe('xml');
    expect(kind('text/plain', '', [utf8('  <a>')])).toBe('xml');
    expect(kind('application/json', 'gzip', kept)).toBeUndefined();
    expect(kind('application/octet-stream', '', [utf8('hello')])).toBeUndefined();
    expect(kind('image/png', '', [utf8('<a>')])).toBeUndefined();
    expect(kind('Application/X-WWW-Form-Urlencoded', '', [utf8('a=1')])).toBe('form');
  });

  it('10 MiB in 1-KiB chunks: what is kept stays within the bound, in linear time', () => {
    const tail = createJsonTail([utf8('[')]);
    const started = performance.now();
    for (let i = 0; i < 10 * 1024; i++) {
      const record = `{"id":${i},"note":"it's ${i}","tag":"<b>${i}</b>"},`;
      tail.feed(utf8(record.repeat(Math.floor(1024 / record.length)).padEnd(1024, ' ')));
    }
    const later = tail.result();
    const kept = later.values.reduce((n, [name, value]) => n + name.length + value.length + 16, 0);
    expect(kept).toBeLessThanOrEqual(laterValuesBudget);
    expect(later.unread).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('one string of 10 MiB of escapes costs one pass', () => {
    const tail = createJsonTail([utf8('{"a": "')]);
    const chunk = utf8('\\n'.repeat(512));
    const started = performance.now();
    for (let i = 0; i < 10 * 1024; i++) tail.feed(chunk);
    tail.feed(utf8('"}'));
    expect(tail.result().values).toEqual([['$.a', '\n'.repeat(64)]]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('names each string by its path, deep or not, and keeps every key of an object written onto a prototype', () => {
    const rest = '{"b": {"c": ["d", {"$ne": 1}]}}, "__proto__": {"isAdmin": true, "shell": "x"}, "e": "f"}';
    expect(read('{"a": ', rest).values).toEqual([
      ['$.a.b.c[]', 'd'],
      ['$.a.b.c[] key', '$ne'],
      ['$.__proto__ key', 'isAdmin'],
      ['$.__proto__ key', 'shell'],
      ['$.__proto__.shell', 'x'],
      ['$.e', 'f'],
    ]);
    const deep = `${'['.repeat(40)}"x"${']'.repeat(40)}`;
    expect(read('{"a": ', `${deep}, "b": "y"}`).values).toEqual([
      [`$.a${'[]'.repeat(31)}…`, 'x'],
      ['$.b', 'y'],
    ]);
  });

  it('decodes escapes as JSON.parse does, and keeps a cut or bad one as sent', () => {
    expect(jsonUnescape('a\\u003cb\\/c')).toBe('a<b/c');
    expect(jsonUnescape('bad \\x and \\u00')).toBe('bad \\x and \\u00');
    expect(jsonUnescape('bad \\x, \\u003c')).toBe('bad \\x, <');
  });

  it('hostile octets never throw, in any chunking', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 50; round++) {
      const bytes = Uint8Array.from(
        { length: 4000 },
        () => [0x22, 0x5c, 0x3a, 0x75, random() & 0xff][random() % 5] ?? 0,
      );
      expect(() => read('["', bytes, 1 + (random() % 300))).not.toThrow();
    }
  });
});
