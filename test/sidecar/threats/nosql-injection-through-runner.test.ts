/**
 * nosql-injection end to end: bytes read by the real parsers (HTTP/1.1; MongoDB OP_MSG built from the wire
 * specification, no MongoDB server here) and handed to the runner with every registered detector and the shipped
 * policies, as the tap does. Payloads written here from OWASP's "Testing for NoSQL Injection" (WSTG-INPV-05.6).
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { mongodb } from '#sidecar/protocols/mongodb.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { BsonCode, opMsg } from '#test/fixtures/protocols/mongodb-wire.ts';
import { ascii, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flow } from './threat-factories.ts';

const webFlow = flow({ protocol: 'http' });
const mongoFlow = flow({
  key: 'tcp 10.0.0.5:40001 10.0.0.9:27017',
  protocol: 'mongodb',
  client: { ip: '10.0.0.5', port: 40001 },
  server: { ip: '10.0.0.9', port: 27017 },
});

/** The nosql-injection findings of a flow's segments, parsed by `protocol`, run through every registered detector. */
const findings = (protocol: typeof http, observed: typeof webFlow, segments: readonly Segment[]) => {
  const parser = protocol.createParser();
  const runner = createThreatRunner();
  segments.forEach(([direction, bytes], i) => {
    for (const event of parser.parse(bytes, direction, 1_000 + i) as ProtocolEvent[])
      runner.onEvent(observed, event);
  });
  runner.onFlowEnd(observed);
  return threatsBy(runner.drain(1_000_000), 'nosql-injection').map((f) => [f.severity, f.evidence]);
};

const post = (path: string, type: string, body: string): Segment => [
  'to-server',
  ascii(
    `POST ${path} HTTP/1.1\r\nHost: shop.example\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  ),
];

describe('nosql-injection through the parsers and the runner', () => {
  it('reports a login bypass with operator objects in a JSON body and in form names', () => {
    const json = post('/api/login', 'application/json', '{"username":"admin","password":{"$ne":null}}');
    expect(findings(http, webFlow, [json])).toEqual([
      ['high', 'a MongoDB $ne operator on the login field password — json $.password key: $ne'],
    ]);
    const form = post('/login', 'application/x-www-form-urlencoded', 'username=admin&password%5B%24gt%5D=');
    expect(findings(http, webFlow, [form])).toEqual([
      ['high', 'a MongoDB $gt operator on the login field password — form password[$gt]: '],
    ]);
  });

  it('leaves an OData query and a JSON Schema document alone, and reports the injection after them', () => {
    const odata: Segment = [
      'to-server',
      ascii('GET /odata/Products?$filter=Price%20gt%2010&$top=5 HTTP/1.1\r\nHost: a\r\n\r\n'),
    ];
    const schema = post(
      '/schemas',
      'application/json',
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#/$defs/a"}',
    );
    const injected: Segment = [
      'to-server',
      ascii('GET /search?q[$where]=sleep(500) HTTP/1.1\r\nHost: a\r\n\r\n'),
    ];
    expect(findings(http, webFlow, [odata, schema, injected])).toEqual([
      [
        'critical',
        'a MongoDB $where whose JavaScript sleeps (a time-based blind injection) — query q[$where]: sleep(500)',
      ],
    ]);
  });

  it('reports $where JavaScript that sleeps, sent to MongoDB as BSON code, critical', () => {
    const find = opMsg(1, 0, {
      find: 'users',
      filter: { $where: new BsonCode('sleep(5000) || true') },
      $db: 'shop',
    });
    expect(findings(mongodb, mongoFlow, [['to-server', find]])).toEqual([
      [
        'critical',
        'MongoDB find on shop.users with server-side JavaScript ($where) that sleeps (a time-based blind injection): sleep(5000) || true',
      ],
    ]);
  });

  it("reports an aggregate's $function medium, and an application's plain filters not at all", () => {
    const plain = opMsg(2, 0, {
      find: 'users',
      filter: { age: { $gt: 18 }, name: { $in: ['a', 'b'] } },
      $db: 'shop',
    });
    const fn = { $function: { body: 'function(a) { return a > 1 }', args: ['$age'], lang: 'js' } };
    const aggregate = opMsg(3, 0, {
      aggregate: 'users',
      pipeline: [{ $match: { $expr: fn } }],
      cursor: {},
      $db: 'shop',
    });
    expect(findings(mongodb, mongoFlow, [['to-server', plain]])).toEqual([]);
    expect(
      findings(mongodb, mongoFlow, [
        ['to-server', plain],
        ['to-server', aggregate],
      ]),
    ).toEqual([
      [
        'medium',
        'MongoDB aggregate on shop.users with server-side JavaScript ($function) from a client not listed as running JavaScript: function(a) { return a > 1 }',
      ],
    ]);
  });
});
