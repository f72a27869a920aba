/**
 * nosql-injection on typed events. The corpus has no NoSQL class and PayloadsAllTheThings' NoSQL list is not here: the
 * payloads below are written here from the techniques OWASP's testing guide describes ("Testing for NoSQL Injection",
 * WSTG-INPV-05.6: operator objects in parameters and JSON, `$where` JavaScript, time-based `sleep`, `$regex`
 * extraction) and the qs/PHP bracket syntax that turns a parameter name into an object.
 */
import { describe, expect, it } from 'vitest';
import { placements, placePayload } from '#bench/payloads-report.ts';
import type { OperationEvent } from '#sidecar/events.ts';
import { nosqlInjection } from '#sidecar/threats/nosql-injection.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

/** The severity and confidence of the one hit, or 'none'. */
const judged = (events: Parameters<typeof runThreat>[1], config?: Record<string, unknown>) => {
  const hits = runThreat(nosqlInjection, events, config === undefined ? {} : { config });
  return hits.length === 0 ? 'none' : `${hits[0]?.severity} ${hits[0]?.confidence}`;
};
const get = (target: string) => judged([httpRequest(target)]);
const post = (path: string, body: string, type = 'application/json') =>
  judged([httpRequest(path, { body, headers: [['Content-Type', type]] })]);

describe('nosql-injection in HTTP parameter names', () => {
  it.each([
    ['/login?user[$ne]=x&password[$ne]=x', 'high 0.85'],
    ['/api/users?username[$regex]=^adm', 'high 0.85'],
    ['/account?email[$exists]=true', 'high 0.85'],
    ['/api/session?user[$in][]=admin&user[$in][]=root', 'high 0.85'],
    ['/auth?pin[$nin][]=0000', 'high 0.85'],
    ['/signin?a[password][$gt]=', 'high 0.85'],
    // Percent-encoded brackets and dollar, as a browser or curl -G sends them.
    ['/login?user%5B%24ne%5D=x', 'high 0.85'],
    // Elsewhere than a login: the same operators as Strapi's filters use, reported low.
    ['/api/products?price[$gt]=10', 'low 0.5'],
    ['/messages?userId[$in][]=1&userId[$in][]=2', 'low 0.5'],
    ['/api/sessions?start[$gt]=2024-05-01', 'low 0.5'],
    ['/search?q[$where]=this.price%20%3C%2010', 'high 0.9'],
    ['/search?q[$where]=sleep(5000)', 'critical 0.95'],
    ['/search?$where=function()%7Bwhile(true)%7B%7D%7D', 'critical 0.95'],
    // A name longer than the 64 characters the shared inputs keep of it: read whole.
    [`/login?${'a'.repeat(80)}[password][$ne]=1`, 'high 0.85'],
  ])('%s: %s', (target, expected) => {
    expect(get(target)).toBe(expected);
  });

  it('reads urlencoded form names and multipart field names', () => {
    expect(post('/login', 'username=admin&password%5B%24ne%5D=', 'application/x-www-form-urlencoded')).toBe(
      'high 0.85',
    );
    const multipart = '--b1\r\nContent-Disposition: form-data; name="password[$ne]"\r\n\r\nx\r\n--b1--\r\n';
    expect(post('/login', multipart, 'multipart/form-data; boundary=b1')).toBe('high 0.85');
  });

  it('reports comparisons elsewhere only while comparisonsElsewhere is on; logins and JavaScript always', () => {
    const off = { comparisonsElsewhere: false };
    expect(judged([httpRequest('/api/restaurants?filters[price][$gt]=10')], off)).toBe('none');
    expect(judged([httpRequest('/login?user[$ne]=x')], off)).toBe('high 0.85');
    expect(judged([httpRequest('/x?q[$where]=sleep(1)')], off)).toBe('critical 0.95');
  });
});

describe('nosql-injection in JSON bodies and values', () => {
  it.each([
    ['/api/login', '{"username":{"$ne":null},"password":{"$ne":null}}', 'high 0.85'],
    ['/api/users/find', '{"email":{"$regex":"^a.*"}}', 'high 0.85'],
    ['/api/login', '{"$gt":""}', 'high 0.85'],
    ['/api/items', '{"$gt":""}', 'low 0.5'],
    ['/api/items', '{"$or":[{"a":1},{"password":{"$ne":1}}]}', 'high 0.85'],
    ['/api/items', '{"$where":"this.owner == this.viewer"}', 'high 0.9'],
    ['/api/items', '{"q":{"$where":"sleep(5000) || true"}}', 'critical 0.95'],
    [
      '/api/items',
      '{"q":{"$where":"this.constructor.constructor(\\"return process\\")()"}}',
      'critical 0.95',
    ],
    [
      '/api/items',
      '{"$expr":{"$function":{"body":"function(){while(true){}}","args":[],"lang":"js"}}}',
      'critical 0.95',
    ],
    ['/api/report', '{"$where":"db.users.drop()"}', 'critical 0.95'],
    // A JSON filter sent as a string inside JSON, as APIs that parse a `filter` field do.
    ['/api/items', '{"filter":"{\\"password\\":{\\"$ne\\":\\"\\"}}"}', 'high 0.85'],
  ])('%s %s: %s', (path, body, expected) => {
    expect(post(path, body)).toBe(expected);
  });

  it('reads a JSON object with an operator in a cookie (Express cookie-parser reads j: as JSON)', () => {
    const cookie = httpRequest('/dashboard', {
      headers: [['Cookie', 'theme=dark; auth=j:{"token":{"$ne":""}}']],
    });
    expect(judged([cookie])).toBe('high 0.85');
  });

  it('finds the operator object wherever a value goes: query, header, form, JSON, gzip JSON, multipart, WebSocket, gRPC', () => {
    const payload = '{"password":{"$ne":null}}';
    expect(placements.map((placement) => [placement, judged([placePayload(payload, placement)])])).toEqual(
      placements.map((placement) => [placement, 'high 0.85']),
    );
  });
});

describe('nosql-injection leaves other $-vocabularies alone', () => {
  it.each([
    // JSON Schema and OpenAPI documents.
    [
      '/schemas',
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"u","$ref":"#/$defs/a","$defs":{"a":{}}}',
    ],
    // GraphQL variables: `$id` in the query text, plain keys in variables.
    [
      '/graphql',
      '{"query":"query($id: ID!, $in: String) { user(id: $id) { name } }","variables":{"id":"1","in":"x"}}',
    ],
    // .NET's type names, MongoDB Extended JSON's wrappers, prices.
    [
      '/api/orders',
      '{"$type":"Shop.Order, Shop","_id":{"$oid":"5f1d7f0e9b1e8a3b2c4d5e6f"},"at":{"$date":"2024-01-01"}}',
    ],
    ['/api/login', '{"username":"bob","password":"pa$$word","note":"costs $5 or $ne"}'],
    ['/api/items', '{"name":{"$eq":"bob"}}'],
  ])('%s %s', (path, body) => {
    expect(post(path, body)).toBe('none');
  });

  it.each([
    // OData system query options.
    '/odata/Products?$filter=Price%20gt%2010&$top=5&$select=Name,Price&$orderby=Name&$count=true',
    // Socrata's SoQL, whose filter parameter is also named $where.
    "/resource/earthquakes.json?$where=magnitude%20%3E%203.0%20AND%20source%20%3D%20'ak'&$limit=10",
    '/shop?price=$5&note=$gt',
  ])('%s', (target) => {
    expect(get(target)).toBe('none');
  });
});

describe('nosql-injection on MongoDB requests', () => {
  const mongo = flow({ protocol: 'mongodb', server: { ip: '10.0.0.9', port: 27017 } });
  const op = (fields: Partial<OperationEvent>): OperationEvent => ({
    kind: 'operation',
    ts: 1_000,
    direction: 'to-server',
    protocol: 'mongodb',
    operation: 'find',
    detail: 'shop.users',
    ...fields,
  });
  const wire = (event: OperationEvent, config: Record<string, unknown> = {}) =>
    runThreat(nosqlInjection, [event], { flow: mongo, config }).map((h) => [h.severity, h.evidence]);

  it('rates JavaScript by what it does: critical when it sleeps, loops, escapes or calls the database', () => {
    expect(wire(op({ operators: ['$where'], javascript: ['sleep(5000) || true'] }))).toEqual([
      [
        'critical',
        'MongoDB find on shop.users with server-side JavaScript ($where) that sleeps (a time-based blind injection): sleep(5000) || true',
      ],
    ]);
    for (const js of [
      'while(true){}',
      'for(;;){}',
      'this.constructor.constructor("return process")()',
      'db.users.drop()',
    ])
      expect(wire(op({ operators: ['$where'], javascript: [js] }))[0]?.[0]).toBe('critical');
  });

  it('reports a plain $where, $function or mapReduce medium, unless the client is listed as running JavaScript', () => {
    expect(wire(op({ operators: ['$where'], javascript: ['this.a == this.b'] }))).toEqual([
      [
        'medium',
        'MongoDB find on shop.users with server-side JavaScript ($where) from a client not listed as running JavaScript: this.a == this.b',
      ],
    ]);
    const aggregate = op({
      operation: 'aggregate',
      operators: ['$match', '$expr', '$function'],
      javascript: ['function(x){return x}'],
    });
    expect(wire(aggregate)[0]?.[0]).toBe('medium');
    const mapReduce = op({
      operation: 'mapReduce',
      detail: 'shop.orders',
      javascript: ['function(){emit(this.k,1)}'],
    });
    expect(wire(mapReduce)[0]?.[0]).toBe('medium');
    const allowed = { allowJavascriptClients: ['10.0.0.0/24'] };
    expect(wire(op({ operators: ['$where'], javascript: ['this.a == this.b'] }), allowed)).toEqual([]);
    expect(wire(op({ operators: ['$where'], javascript: ['sleep(100)'] }), allowed)[0]?.[0]).toBe('critical');
    // The word process as data, a field named db: plain JavaScript, not harm.
    for (const js of ['this.step == "process"', 'this.db.name == "x"'])
      expect(wire(op({ operators: ['$where'], javascript: [js] }))[0]?.[0]).toBe('medium');
  });

  it('leaves comparison and update operators, code stored as data, and other protocols alone', () => {
    expect(wire(op({ operators: ['$or', '$ne', '$regex', '$set'] }))).toEqual([]);
    expect(wire(op({ operation: 'update', operators: ['$set'], javascript: ['sleep(1)'] }))).toEqual([]);
    expect(wire(op({ protocol: 'memcached', operators: ['$where'], javascript: ['sleep(1)'] }))).toEqual([]);
    expect(wire(op({ direction: 'to-client', operators: ['$where'], javascript: ['sleep(1)'] }))).toEqual([]);
  });
});
