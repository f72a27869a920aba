/**
 * ajp-abuse on the requests the AJP parser tells from mod_proxy_ajp's and Tomcat 10's bytes (ajp-packets.ts), and on
 * requests written from the protocol reference (ajp-encode.ts): Ghostcat's include attributes, a protected path, a
 * SHUTDOWN; what it leaves alone.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { ajp } from '#sidecar/protocols/ajp.ts';
import { ajpAbuse } from '#sidecar/threats/ajp-abuse.ts';
import { forwardRequest, ghostcatAttributes } from '#test/fixtures/protocols/ajp-encode.ts';
import {
  cping,
  cpong,
  endReuse,
  getIndex,
  getMissing,
  ghostcat,
  helloChunk,
  ok200,
  postForm,
  postFormBody,
} from '#test/fixtures/protocols/ajp-packets.ts';
import { concat, hex, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const ajpFlow = flow({ protocol: 'ajp', server: { ip: '10.0.0.9', port: 8009 } });

const events = (...segments: Segment[]): ProtocolEvent[] => {
  const parser = ajp.createParser();
  return [...segments.flatMap(([d, b], i) => parser.parse(b, d, 1_000 + i)), ...(parser.end?.() ?? [])];
};
const run = (list: ProtocolEvent[], config?: Record<string, unknown>) =>
  runThreat(ajpAbuse, list, { flow: ajpFlow, ...(config === undefined ? {} : { config }) }).map((h) => [
    h.severity,
    h.evidence,
  ]);
const request = (uri: string, attributes: readonly (readonly [string | number, string])[] = []) =>
  events(['to-server', forwardRequest({ method: 2, uri, attributes })]);

describe('ajp-abuse', () => {
  it('reports the Ghostcat request critical, naming the file it asks for, once a connection', () => {
    expect(run(events(['to-server', ghostcat], ['to-server', ghostcat]))).toEqual([
      [
        'critical',
        'AJP request sets the include attributes javax.servlet.include.request_uri=/, javax.servlet.include.path_info=/WEB-INF/web.xml, javax.servlet.include.servlet_path=/ (Ghostcat, CVE-2020-1938): it asks the container to serve the file /WEB-INF/web.xml, inside WEB-INF or META-INF',
      ],
    ]);
  });

  it("reads Jakarta's names, a JSP to run, a climb, and names a secret without its value", () => {
    const jakarta = ghostcatAttributes('/upload/shell.txt').map(
      ([n, v]) => [n.replace('javax', 'jakarta'), v] as const,
    );
    const [hit] = run(request('/x.jsp', [...jakarta, [0x0c, 'hunter2']]));
    expect(hit?.[0]).toBe('critical');
    expect(hit?.[1]).toContain('jakarta.servlet.include.path_info=/upload/shell.txt');
    expect(hit?.[1]).toContain(
      'to run the file /upload/shell.txt as a JSP (its request /x.jsp: code execution',
    );
    expect(hit?.[1]).toContain('it carries the connector secret (not kept)');
    expect(hit?.[1]).not.toContain('hunter2');
    expect(run(request('/a', ghostcatAttributes('/../conf/tomcat-users.xml')))[0]?.[1]).toContain(
      'to serve the file /../conf/tomcat-users.xml, climbing out of the application with ..',
    );
  });

  it('reports a forwarded request into WEB-INF or META-INF high, and a SHUTDOWN medium; each can be off', () => {
    expect(run(request('/app/WEB-INF/web.xml'))).toEqual([
      [
        'high',
        'AJP request for /app/WEB-INF/web.xml: a path inside WEB-INF or META-INF, which a container never serves (a probe for its configuration)',
      ],
    ]);
    expect(run(request('/meta%2dinf/context.xml')).map(([s]) => s)).toEqual(['high']);
    expect(run(events(['to-server', hex('1234000107')]))).toEqual([
      [
        'medium',
        'AJP SHUTDOWN from the client: a request to stop the servlet container, which no proxy sends',
      ],
    ]);
    const off = { protectedPaths: 'off', shutdown: 'off' };
    expect(run([...request('/WEB-INF/web.xml'), ...events(['to-server', hex('1234000107')])], off)).toEqual(
      [],
    );
  });

  it('leaves ordinary proxied requests, CPING and CPONG, and look-alike paths and attributes alone', () => {
    const session = events(
      ['to-server', cping],
      ['to-client', cpong],
      ['to-server', getIndex],
      ['to-client', concat(ok200, helloChunk, endReuse)],
      ['to-server', postForm],
      ['to-server', postFormBody],
      ['to-server', getMissing],
    );
    expect(session.length).toBeGreaterThan(4);
    expect(run(session)).toEqual([]);
    expect(run(request('/web-information/WEB-INFO', [['javax.servlet.request.cipher_suite', 'x']]))).toEqual(
      [],
    );
    expect(
      run(
        request('/a', [
          ['AJP_REMOTE_PORT', '1'],
          [0x05, 'file=/WEB-INF/web.xml'],
        ]),
      ),
    ).toEqual([]);
    // An HTTP request has no attributes: nothing to judge.
    expect(runThreat(ajpAbuse, [httpRequest('/x?javax.servlet.include.path_info=/WEB-INF/web.xml')])).toEqual(
      [],
    );
  });
});
