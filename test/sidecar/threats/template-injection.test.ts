// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal template expressions.
/** template-injection on built requests: every placement, Spring4Shell's parameter names, severities, the policy. */
import { describe, expect, it } from 'vitest';
import { placements, placePayload } from '#bench/payloads-report.ts';
import { templateInjection } from '#sidecar/threats/template-injection.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const form = (body: string) =>
  httpRequest('/account', { body, headers: [['Content-Type', 'application/x-www-form-urlencoded']] });
const evidence = (event: Parameters<typeof runThreat>[1][number], config?: Record<string, unknown>) =>
  runThreat(templateInjection, [event], config === undefined ? {} : { config }).map((h) => [
    h.severity,
    h.evidence,
  ]);

describe('template-injection', () => {
  it.each(placements)('reports a Jinja2 sandbox escape and a probe placed in %s', (placement) => {
    const sandboxEscape = runThreat(templateInjection, [
      placePayload("{{cycler.__init__.__globals__.os.popen('id').read()}}", placement),
    ]);
    expect(sandboxEscape.map((h) => [h.threat, h.severity, h.confidence])).toEqual([
      ['template-injection', 'critical', 0.9],
    ]);
    expect(sandboxEscape[0]?.evidence).toMatch(
      /^template injection \(Jinja2\): .* reaching object internals \(__init__\) — /,
    );
    const probe = runThreat(templateInjection, [placePayload('{{7*7}}', placement)]);
    expect(probe.map((h) => h.severity)).toEqual(['high']);
  });

  it('reports Spring4Shell by its parameter names, in a query or a form, escaped or not', () => {
    const names = 'class.module.classLoader.resources.context.parent.pipeline.first';
    expect(evidence(httpRequest(`/greeting?${names}.suffix=.jsp`))).toEqual([
      [
        'critical',
        'template injection (Spring data binding, Spring4Shell CVE-2022-22965): a parameter bound to the class loader — ' +
          `query: ${names}.suffix`,
      ],
    ]);
    expect(evidence(form(`${names}.pattern=%25%7Bc2%7Di&${names}.directory=webapps/ROOT`))[0]?.[1]).toContain(
      `form: ${names}.pattern`,
    );
    expect(evidence(httpRequest('/x?%63lass.module.classLoader.URLs%5B0%5D=0'))[0]?.[1]).toContain(
      'query: class.module.classLoader.URLs[0]',
    );
    expect(evidence(httpRequest('/x?class=economy&classLoader=1&module=a'))).toEqual([]);
  });

  it('reads an expression padded past 2 KiB with a long literal or blanks, and not one of 2 KiB of real tokens', () => {
    const pad = 'A'.repeat(3000);
    const literal = `{{ ''.__class__.__mro__[1].__subclasses__() ~ '${pad}' }}`;
    const blanks = `{{${' '.repeat(3000)}cycler.__init__.__globals__.os.popen('id').read()}}`;
    for (const payload of [literal, blanks])
      expect(
        evidence(httpRequest(`/page?name=${encodeURIComponent(payload)}`)).map(([severity]) => severity),
      ).toEqual(['critical']);
    const tokens = `{{ ${'x + '.repeat(600)}__class__ }}`;
    expect(evidence(httpRequest(`/page?name=${encodeURIComponent(tokens)}`))).toEqual([]);
  });

  it('reports Spring4Shell by the field names of a multipart body, and leaves honest field names alone', () => {
    const names = 'class.module.classLoader.resources.context.parent.pipeline.first';
    const multipart = (fields: [string, string][]) =>
      httpRequest('/upload', {
        body: `${fields.map(([n, v]) => `--b0\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join('')}--b0--\r\n`,
        headers: [['Content-Type', 'multipart/form-data; boundary=b0']],
      });
    const attack = multipart([
      ['title', 'hello'],
      [`${names}.pattern`, '%{c2}i'],
      [`${names}.suffix`, '.jsp'],
    ]);
    expect(evidence(attack)).toEqual([
      [
        'critical',
        'template injection (Spring data binding, Spring4Shell CVE-2022-22965): a parameter bound to the class loader — ' +
          `multipart: ${names}`,
      ],
    ]);
    expect(
      evidence(
        multipart([
          ['class', 'economy'],
          ['classLoader', '1'],
          ['glass', 'half'],
        ]),
      ),
    ).toEqual([]);
  });

  it('reports SpEL in the routing header of Spring Cloud Function (CVE-2022-22963), a bare type call at high', () => {
    const header = (value: string) =>
      httpRequest('/functionRouter', {
        body: 'x',
        headers: [['spring.cloud.function.routing-expression', value]],
      });
    expect(evidence(header('T(java.lang.Runtime).getRuntime().exec("touch /tmp/pwned")'))).toEqual([
      [
        'critical',
        'template injection (SpEL (Spring)): the Java runtime (getRuntime() — header spring.cloud.function.routing-expression: ' +
          'T(java.lang.Runtime).getRuntime().exec("touch /tmp/pwned")',
      ],
    ]);
    expect(evidence(header('T(java.lang.Math).random()'))[0]?.[0]).toBe('high');
  });

  it('reports Struts2 OGNL in a Content-Type (CVE-2017-5638)', () => {
    const ognl =
      "%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#_memberAccess?(#_memberAccess=#dm):" +
      "0).(#cmd='id').(#p=new java.lang.ProcessBuilder({'/bin/sh','-c',#cmd})).(#p.start())}";
    const found = evidence(httpRequest('/upload.action', { headers: [['Content-Type', ognl]] }));
    expect(found[0]?.[1]).toMatch(
      /^template injection \(OGNL \(Struts2, Confluence\)\): %\{.* — header content-type: %\{/,
    );
  });

  it('takes severity and confidence from the policy, and leaves ignored inputs alone', () => {
    const hit = runThreat(templateInjection, [placePayload("{{''.__class__}}", 'query')], {
      config: { severity: 'medium', confidence: 0.6 },
    });
    expect(hit.map((h) => [h.severity, h.confidence])).toEqual([['medium', 0.6]]);
    expect(evidence(placePayload('{{7*7}}', 'header'), { ignore: ['header user-agent'] })).toEqual([]);
  });

  it('leaves honest template values alone in every placement', () => {
    for (const placement of placements)
      for (const value of [
        'Hi {{ user.name }}',
        '${{ secrets.TOKEN }}',
        '${var.region}',
        '<%= @user.name %>',
      ])
        expect(evidence(placePayload(value, placement))).toEqual([]);
  });
});
