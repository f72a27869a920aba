/**
 * crlf-injection on built requests. Payloads written here after OWASP CRS REQUEST-921 (HTTP response splitting),
 * CWE-113, CWE-93 and the Unicode folding of CVE-2018-12116 (`%E5%98%8A%E5%98%8D`, 嘊嘍).
 */
import { describe, expect, it } from 'vitest';
import type { Header, ProtocolEvent } from '#sidecar/events.ts';
import { crlfInjection } from '#sidecar/threats/crlf-injection.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const json: Header[] = [['Content-Type', 'application/json']];
const form: Header[] = [['Content-Type', 'application/x-www-form-urlencoded']];
const found = (event: ProtocolEvent) =>
  runThreat(crlfInjection, [event]).map((h) => [h.severity, h.evidence]);

describe('crlf-injection: reported', () => {
  it.each([
    ['/r?next=%0d%0aSet-Cookie:%20sid=attacker', 'high', 'an injected Set-Cookie header — query next'],
    ['/r?next=%250d%250aLocation:%20https://evil.example', 'high', 'an injected Location header'],
    ['/r?next=%E5%98%8A%E5%98%8DSet-Cookie:%20a=b', 'high', 'an injected Set-Cookie header'],
    ['/r?next=%C0%8D%C0%8ASet-Cookie:%20a=b', 'high', 'an injected Set-Cookie header'],
    ['/%0d%0aLocation:%20//evil.example', 'high', 'an injected Location header — path'],
    [
      '/r?next=x%0d%0aContent-Length:%200%0d%0a%0d%0aHTTP/1.1%20200%20OK%0d%0a',
      'high',
      'HTTP response splitting (a blank line, then a second body)',
    ],
    ['/r?lang=en%0d%0aContent-Type:%20text/html', 'medium', 'a line break then the header Content-Type'],
  ])('%s', (target, severity, evidence) => {
    const [hit] = found(httpRequest(target));
    expect(hit?.[0]).toBe(severity);
    expect(hit?.[1]).toContain(evidence);
  });

  it('reads headers that servers reflect, cookies, form fields and JSON leaves', () => {
    const referer = httpRequest('/', { headers: [['Referer', 'https://a.example/%0d%0aX-Injected:%201']] });
    expect(found(referer)).toEqual([
      [
        'medium',
        'a line break then the header X-Injected — header referer: https://a.example/%0d%0aX-Injected:%201',
      ],
    ]);
    const cookie = httpRequest('/', { headers: [['Cookie', 'lang=en%0d%0aSet-Cookie:%20admin=1']] });
    expect(found(cookie)[0]?.[0]).toBe('high');
    const mail = httpRequest('/contact', {
      body: 'email=a%40b.example%0ABcc:%20list%40c.example&msg=hi',
      headers: form,
    });
    expect(found(mail)).toEqual([
      ['medium', 'a line break then the mail header Bcc — form email: a@b.example\nBcc: list@c.example'],
    ]);
    const leaf = httpRequest('/api', { body: '{"redirect":"/home\\r\\nLocation: //evil"}', headers: json });
    expect(found(leaf)[0]?.[0]).toBe('high');
  });
});

describe('crlf-injection: look-alikes left alone', () => {
  const textarea =
    'Hello,%0D%0A%0D%0AThanks+for+the+quick+reply.%0D%0ANote:+the+invoice+is+attached.%0D%0A%0D%0A--+Ana';
  const markdown =
    '# Notes\n\nSee <details><summary>log</summary>\n\nLocation: Berlin\n\nX-ray: fine\n</details>';
  const graphql = 'query Order($id: ID!) {\n  order(id: $id) {\n    id\n    status\n  }\n}';
  it.each([
    ['a multi-line textarea', httpRequest('/contact', { body: `name=Ana&msg=${textarea}`, headers: form })],
    [
      'markdown with HTML and colons',
      httpRequest('/api', { body: JSON.stringify({ body: markdown }), headers: json }),
    ],
    ['a GraphQL query', httpRequest('/graphql', { body: JSON.stringify({ query: graphql }), headers: json })],
    [
      'prose in JSON',
      httpRequest('/api', { body: '{"bio":"Engineer.\\nFrom: Lisbon\\nTo: wherever"}', headers: json }),
    ],
    ['a literal \\r\\n in a log line', httpRequest('/log?line=GET%20/%20200%5Cr%5CnSet-Cookie:%20x')],
    [
      'a webhook carrying a mail head',
      httpRequest('/inbound', {
        body: `headers=${encodeURIComponent('Received: from mx\r\nFrom: a@b.example\r\nBcc: c@d.example')}`,
        headers: form,
      }),
    ],
    ['a search for a header name', httpRequest('/docs?q=Set-Cookie:%20SameSite')],
  ])('%s', (_name, event) => {
    expect(found(event)).toEqual([]);
  });
});
