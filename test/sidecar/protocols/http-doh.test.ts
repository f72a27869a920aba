/**
 * DNS over HTTPS read in plaintext (RFC 8484 §4.1: GET with `dns`, POST and answers of type application/dns-message;
 * the JSON API of Google and Cloudflare). Messages built per RFC 1035 §4.1 by the test fixtures.
 */
import { describe, expect, it } from 'vitest';
import type { Header, HttpRequestEvent, HttpResponseEvent } from '#sidecar/events.ts';
import { dohMessage } from '#sidecar/protocols/http-doh.ts';
import { dnsAnswer, dnsQuery } from '#test/fixtures/protocols/socks-udp-datagrams.ts';

const request = (
  target: string,
  options: { method?: string; headers?: Header[]; body?: Uint8Array } = {},
): HttpRequestEvent => {
  const q = target.indexOf('?');
  return {
    kind: 'http-request',
    ts: 5,
    direction: 'to-server',
    version: '2',
    method: options.method ?? 'GET',
    target,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: options.headers ?? [],
    body: options.body ?? new Uint8Array(0),
    bodyTruncated: false,
  };
};

const response = (
  body: Uint8Array | string,
  headers: Header[],
  target = '/dns-query',
): HttpResponseEvent => ({
  kind: 'http-response',
  ts: 6,
  direction: 'to-client',
  version: '1.1',
  status: 200,
  headers,
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  bodyTruncated: false,
  request: { method: 'GET', target, forwarding: [] },
});

const wire: Header[] = [['content-type', 'application/dns-message']];
const query = dnsQuery(0, 'www.example.com');
const b64 = Buffer.from(query).toString('base64url');

describe('DNS over HTTPS in plaintext', () => {
  it('reads the dns parameter of a GET (base64url without padding), wherever it is in the query', () => {
    for (const target of [`/dns-query?dns=${b64}`, `/q?ct=x&dns=${b64}`]) {
      expect(dohMessage(request(target))).toMatchObject({
        kind: 'dns-message',
        direction: 'to-server',
        isResponse: false,
        questions: [{ name: 'www.example.com', type: 'A' }],
        size: query.length,
        transport: 'http',
        ts: 5,
      });
    }
  });

  it('reads a POST body and an answer of type application/dns-message', () => {
    expect(dohMessage(request('/dns-query', { method: 'POST', headers: wire, body: query }))).toMatchObject({
      questions: [{ name: 'www.example.com', type: 'A' }],
    });
    const answer = dnsAnswer(0, 'www.example.com', [192, 0, 2, 7]);
    expect(dohMessage(response(answer, [['Content-Type', 'application/dns-message']]))).toMatchObject({
      isResponse: true,
      direction: 'to-client',
      rcode: 'NOERROR',
      answers: [{ name: 'www.example.com', type: 'A', ttl: 60, data: '192.0.2.7' }],
    });
  });

  it('reads the JSON API: a question by name and type, and its answer', () => {
    const asked = request('/resolve?name=exfil.example.&type=16');
    expect(dohMessage(asked)).toMatchObject({
      questions: [{ name: 'exfil.example', type: 'TXT' }],
      transport: 'http',
    });
    const cloudflare = request('/anything?name=a.example&type=aaaa', {
      headers: [['accept', 'application/dns-json']],
    });
    expect(dohMessage(cloudflare)?.questions).toEqual([{ name: 'a.example', type: 'AAAA' }]);
    const json =
      '{"Status":3,"Question":[{"name":"b.example.","type":1}],"Answer":[{"name":"b.example.","type":1,"TTL":30,"data":"192.0.2.9"}]}';
    expect(
      dohMessage(response(json, [['content-type', 'application/dns-json']], '/resolve?name=b.example')),
    ).toMatchObject({
      isResponse: true,
      rcode: 'NXDOMAIN',
      questions: [{ name: 'b.example', type: 'A' }],
      answers: [{ name: 'b.example', type: 'A', ttl: 30, data: '192.0.2.9' }],
    });
  });

  it('leaves ordinary requests and answers alone', () => {
    const form = new TextEncoder().encode('user=alice&password=correct-horse-battery');
    expect(dohMessage(request('/search?q=dns=1&name=bob'))).toBeUndefined();
    expect(dohMessage(request('/users?name=bob'))).toBeUndefined();
    // An application's own resolve endpoint, asked for something that is not a domain name.
    expect(dohMessage(request('/api/resolve?name=alice'))).toBeUndefined();
    expect(dohMessage(request('/resolve?name=a%20b.example'))).toBeUndefined();
    expect(dohMessage(request('/login', { method: 'POST', headers: wire, body: form }))).toBeUndefined();
    // A DNS-shaped body under another type is not DoH; nor is a JSON answer to a request that asked by no name.
    expect(dohMessage(request('/upload', { method: 'POST', body: query }))).toBeUndefined();
    expect(dohMessage(response('{"Status":0,"Question":[]}', [], '/status'))).toBeUndefined();
  });

  it('returns nothing for a malformed or partial message, never throws', () => {
    expect(dohMessage(request('/dns-query?dns=!!!'))).toBeUndefined();
    expect(dohMessage(request(`/dns-query?dns=${b64.slice(0, 20)}`))).toBeUndefined();
    const cut = response(query.subarray(0, query.length - 3), wire);
    expect(dohMessage(cut)).toBeUndefined();
    expect(dohMessage(response('{"Status":0,', [], '/resolve?name=x'))).toBeUndefined();
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 17 + (i % 64) }, (_, j) => (i * 31 + j * 17) & 0xff);
      expect(() => dohMessage(response(bytes, wire))).not.toThrow();
      expect(() =>
        dohMessage(request('/dns-query', { method: 'POST', headers: wire, body: bytes })),
      ).not.toThrow();
    }
  });
});
