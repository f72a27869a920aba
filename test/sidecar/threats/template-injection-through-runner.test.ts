// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal template expressions.
/**
 * template-injection end to end: request bytes read by the real HTTP/1.1 parser and handed to the runner with every
 * registered detector and the shipped policies, as the tap does. Payloads written here after the public proofs of
 * concept of CVE-2017-5638 and CVE-2018-11776 (Struts2), CVE-2022-26134 (Confluence), CVE-2022-22963 (Spring Cloud
 * Function) and CVE-2022-22965 (Spring4Shell).
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flow } from './threat-factories.ts';

const webFlow = flow({ protocol: 'http' });

/** The template-injection findings of one request, as [severity, evidence up to its first 120 characters]. */
const findings = (request: string) => {
  const parser = http.createParser();
  const runner = createThreatRunner();
  const segment: Segment = ['to-server', ascii(request)];
  for (const event of parser.parse(segment[1], segment[0], 1_000) as ProtocolEvent[])
    runner.onEvent(webFlow, event);
  runner.onFlowEnd(webFlow);
  return threatsBy(runner.drain(1_000_000), 'template-injection').map((f) => [
    f.severity,
    f.evidence.slice(0, 120),
  ]);
};
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: app.example\r\n${headers}\r\n`;
const post = (target: string, type: string, body: string, headers = '') =>
  `POST ${target} HTTP/1.1\r\nHost: app.example\r\nContent-Type: ${type}\r\n${headers}` +
  `Content-Length: ${body.length}\r\n\r\n${body}`;

describe('template-injection through the parser and the runner', () => {
  it('reports Struts2 OGNL in a Content-Type header (CVE-2017-5638)', () => {
    const ognl =
      "%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#_memberAccess?(#_memberAccess=#dm)" +
      ":((#container=#context['com.opensymphony.xwork2.ActionContext.container']))).(#cmd='id')" +
      ".(#p=new java.lang.ProcessBuilder({'/bin/sh','-c',#cmd})).(#p.start())}";
    const [found] = findings(post('/struts2-showcase/upload.action', ognl, 'x'));
    expect(found?.[0]).toBe('critical');
    expect(found?.[1]).toMatch(/^template injection \(OGNL \(Struts2, Confluence\)\): %\{\(#_='multipart/);
  });

  it('reports OGNL in a URL path, Struts2 (CVE-2018-11776) and Confluence (CVE-2022-26134)', () => {
    const struts = encodeURIComponent(
      "${(#_memberAccess['allowStaticMethodAccess']=true).(#cmd='id').(@java.lang.Runtime@getRuntime().exec(#cmd))}",
    );
    expect(findings(get(`/struts2-showcase/${struts}/actionChain1.action`))).toEqual([
      [
        'critical',
        "template injection (OGNL (Struts2, Confluence)): ${(#_memberAccess['allowStaticMethodAccess']=true)… reaching static cal",
      ],
    ]);
    const confluence = encodeURIComponent(
      '${(#a=@org.apache.commons.io.IOUtils@toString(@java.lang.Runtime@getRuntime().exec("id").getInputStream(),' +
        '"utf-8")).(@com.opensymphony.webwork.ServletActionContext@getResponse().setHeader("X-Cmd-Response",#a))}',
    );
    const [found] = findings(get(`/${confluence}/`));
    expect(found?.[0]).toBe('critical');
    expect(found?.[1]).toContain(
      '(OGNL (Struts2, Confluence)): ${(#a=@org.apache.commons.io.IOUtils@toString',
    );
  });

  it('reports Spring4Shell parameters (CVE-2022-22965) and a SpEL routing header (CVE-2022-22963)', () => {
    const prefix = 'class.module.classLoader.resources.context.parent.pipeline.first';
    const body = `${prefix}.pattern=%25%7Bc2%7Di&${prefix}.suffix=.jsp&${prefix}.directory=webapps/ROOT`;
    expect(findings(post('/greeting', 'application/x-www-form-urlencoded', body))).toEqual([
      [
        'critical',
        'template injection (Spring data binding, Spring4Shell CVE-2022-22965): a parameter bound to the class loader — form: cla',
      ],
    ]);
    const routing =
      'spring.cloud.function.routing-expression: T(java.lang.Runtime).getRuntime().exec("id")\r\n';
    expect(findings(post('/functionRouter', 'text/plain', 'x', routing))).toEqual([
      [
        'critical',
        'template injection (SpEL (Spring)): the Java runtime (getRuntime() — header spring.cloud.function.routing-expression: T(',
      ],
    ]);
  });

  it('reports a Jinja2 probe in a query at high, and leaves honest templates in a JSON body alone', () => {
    expect(findings(get('/hello?name=%7B%7B7*7%7D%7D'))).toEqual([
      ['high', 'an evaluation probe (Jinja2/Twig/Nunjucks): {{7*7}} — query name: {{7*7}}'],
    ]);
    const workflow = JSON.stringify({
      step: 'run: echo "${{ github.event.pull_request.title }}"',
      helm: 'image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
      mail: 'Dear {{first_name}}, {{#if coupon}}use {{coupon}}{{/if}}',
    });
    expect(findings(post('/api/templates', 'application/json', workflow))).toEqual([]);
  });
});
