/**
 * The XML and text readers past a request body's bound (ADR 46): element texts under their element, attribute values
 * under `<element> @<attribute>`, CDATA read as text, comments, processing instructions and declarations passed by,
 * the text the bound cut read on, the same whatever the chunking; a text body's lines; bounded and linear on 10 MiB;
 * hostile octets never throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LaterValues } from '#sidecar/events.ts';
import { laterValuesBudget } from '#sidecar/protocols/later-values.ts';
import { createTextTail } from '#sidecar/protocols/text-tail.ts';
import { createXmlTail } from '#sidecar/protocols/xml-tail.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

const read = (kept: string, rest: string | Uint8Array, chunk = 1448): LaterValues => {
  const tail = createXmlTail([utf8(kept)]);
  const bytes = typeof rest === 'string' ? utf8(rest) : rest;
  for (let at = 0; at < bytes.length; at += chunk) tail.feed(bytes.subarray(at, at + chunk));
  return tail.result();
};

const kept = '<?xml version="1.0"?><soap:Envelope><soap:Body><search><pad>AAAA';
const rest =
  'AA</pad>\n  <!-- a <note> -- with ]]> and > inside --><?pi do="x"?><q lang="en" x=\'1\'>O&apos;Brien</q>' +
  '<c><![CDATA[<script>alert(1)</script> ]] > ]]]]></c><e/><f a="1"/>tail</search></soap:Body></soap:Envelope>';

describe('xml tail', () => {
  it('keeps later texts and attribute values under their element, CDATA as text, the same in any chunking', () => {
    const whole = read(kept, rest, rest.length);
    expect(whole).toEqual({
      kind: 'xml',
      values: [
        ['pad', 'AA'],
        ['q @lang', 'en'],
        ['q @x', '1'],
        ['q', 'O&apos;Brien'],
        ['c', '<script>alert(1)</script> ]] > ]]'],
        ['f @a', '1'],
        ['search', 'tail'],
      ],
      unread: 0,
    });
    for (const chunk of [1, 2, 3, 5, 7, 1000]) expect(read(kept, rest, chunk), String(chunk)).toEqual(whole);
  });

  it('knows from the octets kept whether the bound fell in a tag, a comment or a CDATA section', () => {
    expect(read('<a><b x="1', '" y="\' OR 1=1--">v</b></a>').values).toEqual([
      ['b @x', '1'],
      ['b @y', "' OR 1=1--"],
      ['b', 'v'],
    ]);
    expect(read('<a><!-- <q>', 'x</q> --><q>y</q></a>').values).toEqual([['q', 'y']]);
    expect(read('<a><![CDATA[<q>', 'x</q>]]><q>y</q></a>').values).toEqual([
      ['a', 'x</q>'],
      ['q', 'y'],
    ]);
  });

  it('a > in a quoted value, a PI or a DOCTYPE subset does not end the tag early and open a false section', () => {
    const cases: [string, [string, string][]][] = [
      [
        `<q a="x><![CDATA[">' OR 1=1--</q>`,
        [
          ['q @a', 'x><![CDATA['],
          ['q', "' OR 1=1--"],
        ],
      ],
      [
        `<q a='<!--'>' OR 2=2--</q>`,
        [
          ['q @a', '<!--'],
          ['q', "' OR 2=2--"],
        ],
      ],
      [`<?pi it's > here ?><q>' OR 3=3--</q>`, [['q', "' OR 3=3--"]]],
      [`<!DOCTYPE a [<!ENTITY e "<![CDATA["> <!-- it's ] > --> ]><q>' OR 4=4--</q>`, [['q', "' OR 4=4--"]]],
    ];
    for (const [later, values] of cases)
      for (const chunk of [1, 2, 3, 1000])
        expect(read('<a>', `${later}</a>`, chunk).values, later).toEqual(values);
  });

  it('70 KB of elements, then the attack, then more: the attack is kept, padding repeats cost nothing', () => {
    const rows = (n: number) => '<row><city>Paris</city><vip>false</vip></row>'.repeat(n);
    const later = read('<rows>', `${rows(1500)}<row><q>' OR 1=1--</q></row>${rows(1500)}</rows>`);
    expect(later.values).toContainEqual(['q', "' OR 1=1--"]);
    expect(later.unread).toBe(0);
  });

  it('10 MiB in 1-KiB chunks: what is kept stays within the bound, in linear time', () => {
    const tail = createXmlTail([utf8('<rows>')]);
    const started = performance.now();
    for (let i = 0; i < 10 * 1024; i++) {
      const record = `<r id="${i}"><n>it's ${i}</n><t>&lt;b&gt;${i}</t></r>`;
      tail.feed(utf8(record.repeat(Math.floor(1024 / record.length)).padEnd(1024, ' ')));
    }
    const later = tail.result();
    const size = later.values.reduce((n, [name, value]) => n + name.length + value.length + 16, 0);
    expect(size).toBeLessThanOrEqual(laterValuesBudget);
    expect(later.unread).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('never throws on hostile octets, in any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 50 }), (octets, chunk) => {
        const tail = createXmlTail([utf8('<a><![CDA')]);
        for (let at = 0; at < octets.length; at += chunk) tail.feed(octets.subarray(at, at + chunk));
        expect(tail.result().kind).toBe('xml');
      }),
      { numRuns: 500 },
    );
  });
});

describe('text tail', () => {
  it('keeps later lines, blank ones left out, the same in any chunking', () => {
    const body = "rest of a line\r\n\nhello world\n  \n1' OR '1'='1\nlast";
    const readText = (chunk: number) => {
      const tail = createTextTail();
      const bytes = utf8(body);
      for (let at = 0; at < bytes.length; at += chunk) tail.feed(bytes.subarray(at, at + chunk));
      return tail.result();
    };
    const whole = readText(body.length);
    expect(whole).toEqual({
      kind: 'text',
      values: [
        ['', 'rest of a line'],
        ['', 'hello world'],
        ['', "1' OR '1'='1"],
        ['', 'last'],
      ],
      unread: 0,
    });
    for (const chunk of [1, 2, 3, 1000]) expect(readText(chunk)).toEqual(whole);
  });

  it('a line padded past its windows keeps its start and end; different lines past the bound are counted unread', () => {
    const tail = createTextTail();
    tail.feed(utf8(`${'a'.repeat(100_000)}' OR 1=1--\n`));
    for (let i = 0; i < 20_000; i++) tail.feed(utf8(`line "${i}"\n`));
    const later = tail.result();
    expect(later.values[0]?.[1].endsWith("' OR 1=1--")).toBe(true);
    expect(later.unread).toBeGreaterThan(0);
  });
});
