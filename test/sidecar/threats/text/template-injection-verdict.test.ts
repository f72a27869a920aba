// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal template expressions.
/** Template injection verdicts: each engine family, the encodings the other detectors peel, and honest templates. */
import { describe, expect, it } from 'vitest';
import { payloadInput } from '#sidecar/threats/text/payload-input.ts';
import {
  templateInjectionSeverity,
  templateInjectionVerdict,
} from '#sidecar/threats/text/template-injection-verdict.ts';
import { honestTemplates, templateAttacks } from '#test/fixtures/payloads/template-injection.ts';

/** The verdict on a value as sent: encodings peeled first, as the detector's inputs are. */
const verdict = (raw: string) => templateInjectionVerdict(payloadInput('query q', raw).decoded);

describe('templateInjectionVerdict', () => {
  it.each(templateAttacks)('names %s for %j, %s', (engine, payload, severity) => {
    const reason = verdict(payload);
    expect(reason).toContain(`(${engine}`);
    expect(templateInjectionSeverity(reason ?? '', 'critical')).toBe(severity);
  });

  it.each(honestTemplates)('leaves %j alone', (value) => {
    expect(verdict(value)).toBeUndefined();
  });

  it.each([
    ['URL', '%7B%7B7*7%7D%7D'],
    ['double URL', '%257B%257B7*7%257D%257D'],
    ['HTML entities', '&#123;&#123;7*7&#125;&#125;'],
    ['JavaScript escapes', '\\u007b\\u007b7*7\\u007d\\u007d'],
  ])('sees a probe through %s encoding', (_, raw) => {
    expect(verdict(raw)).toBe('an evaluation probe (Jinja2/Twig/Nunjucks): {{7*7}}');
  });

  it('sees Confluence OGNL (CVE-2022-26134) URL-encoded in a path', () => {
    const path =
      '/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang.Runtime%40getRuntime%28%29' +
      '.exec%28%22id%22%29.getInputStream%28%29%2C%22utf-8%22%29%29%7D/';
    expect(verdict(path)).toMatch(/^template injection \(OGNL \(Struts2, Confluence\)\): \$\{\(#a=@org/);
  });

  it('prefers code execution to a probe in the same value, and finds either past padding', () => {
    expect(verdict("{{7*7}} {{''.__class__}}")).toContain('reaching object internals (__class__)');
    expect(verdict(`${'a'.repeat(10_000)} {{7*7}}`)).toContain('{{7*7}}');
    expect(verdict(`${'{'.repeat(5_000)}{{cycler.__init__.__globals__}}`)).toContain('__init__');
  });

  it('keeps evidence on one line and bounded', () => {
    const reason = verdict(`{{ ''.__class__\n${'x'.repeat(300)} }}`) ?? '';
    expect(reason).not.toContain('\n');
    expect(reason.length).toBeLessThan(160);
  });

  it('leaves Log4Shell lookups, shell arithmetic and sums to their own detectors or alone', () => {
    for (const value of ['${jndi:ldap://x/a}', '${${lower:j}ndi:rmi://x/a}', 'echo $((7*7))', '{{ 2 + 2 }}'])
      expect(verdict(value)).toBeUndefined();
  });

  it('reports probes at the policy severity when it is below critical', () => {
    expect(templateInjectionSeverity('an evaluation probe (x): {{7*7}}', 'medium')).toBe('medium');
    expect(templateInjectionSeverity('template injection (Jinja2): x', 'critical')).toBe('critical');
  });
});
