import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { graphqlAbuse } from '#sidecar/threats/graphql-abuse.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const post = (body: unknown, path = '/graphql', type = 'application/json') =>
  httpRequest(path, {
    method: 'POST',
    headers: [['Content-Type', type]],
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const evidence = (event: ReturnType<typeof post>, config?: Record<string, unknown>) =>
  runThreat(graphqlAbuse, [event], config === undefined ? {} : { config })[0]?.evidence;

const ordinary = [
  'query GetUser($id: ID!) { user(id: $id) { id name orders(first: 10) { edges { node { id total } } } } }',
  'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
  '{ search(text: "shoes") { ... on Product { id name } ... on Category { id title } } __typename }',
  'query { a: user(id: 1) { name } b: user(id: 2) { name } }',
];

describe('graphql-abuse', () => {
  it('flags an introspection query', () => {
    expect(evidence(post({ query: '{ __schema { types { name } } }' }))).toContain('introspection');
  });

  it('flags one field aliased past the bound: password guessing in one request', () => {
    const guesses = Array.from(
      { length: 50 },
      (_, i) => `g${i}: login(username: "admin", password: "pw${i}") { token }`,
    );
    expect(evidence(post({ query: `mutation { ${guesses.join(' ')} }` }))).toContain(
      'field login aliased 50 times',
    );
  });

  it('flags a batch of many operations, and deep or cyclic nesting', () => {
    const batch = Array.from({ length: 20 }, (_, i) => ({
      query: `mutation { verify(code: "${1000 + i}") }`,
    }));
    expect(evidence(post(batch))).toContain('20 operations batched');
    const deep = `{ ${'friends { '.repeat(20)}id${' }'.repeat(20)} }`;
    expect(evidence(post({ query: deep }))).toContain('selections nested 21 deep');
    const cycle = 'query { a { ...F } } fragment F on T { b { ...G } } fragment G on T { c { ...F } }';
    expect(evidence(post({ query: cycle }))).toContain('a fragment cycle');
  });

  it('reads GET requests and application/graphql bodies too', () => {
    const get = httpRequest(
      `/api/graphql?query=${encodeURIComponent('{ __type(name: "User") { fields { name } } }')}`,
    );
    expect(evidence(get)).toContain('introspection');
    expect(evidence(post('{ __schema { queryType { name } } }', '/gql', 'application/graphql'))).toContain(
      'introspection',
    );
  });

  it('reads a gzip- or br-compressed body as the server does, and leaves a body that does not decode', () => {
    const introspection = JSON.stringify({ query: '{ __schema { types { name } } }' });
    const compressed = (coding: string, body: Uint8Array) => {
      const event = post('');
      return { ...event, headers: [...event.headers, ['Content-Encoding', coding] as const], body };
    };
    expect(evidence(compressed('gzip', gzipSync(introspection)))).toContain('introspection');
    expect(evidence(compressed('br', brotliCompressSync(introspection)))).toContain('introspection');
    expect(evidence(compressed('gzip', new TextEncoder().encode(introspection)))).toBeUndefined();
  });

  it.each(ordinary)('does not flag an ordinary operation: %s', (query) => {
    expect(runThreat(graphqlAbuse, [post({ query, variables: { id: '1' } })])).toEqual([]);
  });

  it('does not read a JSON body whose "query" is not a GraphQL document, off a graphql path', () => {
    expect(runThreat(graphqlAbuse, [post({ query: '{ __schema }' }, '/search')])).toHaveLength(1);
    expect(runThreat(graphqlAbuse, [post({ query: 'red shoes __schema' }, '/search')])).toEqual([]);
  });

  it('follows its policy: introspection off, larger bounds', () => {
    expect(
      evidence(post({ query: '{ __schema { types { name } } }' }), { introspection: false }),
    ).toBeUndefined();
    const guesses = Array.from({ length: 50 }, (_, i) => `g${i}: login(p: "${i}") { t }`).join(' ');
    expect(evidence(post({ query: `mutation { ${guesses} }` }), { maxAliases: 100 })).toBeUndefined();
  });
});
