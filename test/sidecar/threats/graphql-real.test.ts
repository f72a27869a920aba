/**
 * GraphQL from a real server and client: graphql-js executes a small schema behind Node's HTTP server, fetch (undici)
 * calls it through the loopback recorder, and the engine reads what was sent: the operations in the flow's summary,
 * and a login mutation aliased 30 times as graphql-abuse.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { tcpConversation } from '../engine/conversation.ts';
import { startRecorder } from '../protocols/loopback-recorder.ts';

const schema = buildSchema(`
  type User { id: ID! name: String! }
  type Session { token: String }
  type Query { user(id: ID!): User }
  type Mutation { login(username: String!, password: String!): Session }
`);
const rootValue = {
  user: ({ id }: { id: string }) => ({ id, name: `user ${id}` }),
  login: ({ password }: { password: string }) => ({ token: password === 'hunter2' ? 't0k3n' : null }),
};

describe('GraphQL through the engine (graphql-js server, fetch client)', () => {
  it('names the operations in the flow summary and reports aliased password guessing', async () => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
          query: string;
          variables?: Record<string, unknown>;
        };
        const result = await graphql({ schema, source: query, rootValue, variableValues: variables ?? null });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const recorder = await startRecorder((server.address() as AddressInfo).port);
    const call = async (query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(`http://127.0.0.1:${recorder.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: Record<string, unknown> };
    };
    const user = await call('query GetUser($id: ID!) { user(id: $id) { id name } }', { id: '7' });
    expect(user.data?.user).toEqual({ id: '7', name: 'user 7' });
    const guesses = Array.from(
      { length: 30 },
      (_, i) => `g${i}: login(username: "admin", password: "pw${i}") { token }`,
    );
    const brute = await call(`mutation Guess { ${guesses.join(' ')} }`);
    expect(Object.keys(brute.data ?? {})).toHaveLength(30);
    await recorder.close();
    server.close();

    const engine = createEngine({ observers: defaultObservers() });
    const connections = [...new Set(recorder.chunks.map((c) => c.connection))];
    for (const connection of connections) {
      const messages = recorder.chunks
        .filter((c) => c.connection === connection)
        .map((c) => ({
          from: c.direction === 'to-server' ? ('client' as const) : ('server' as const),
          data: c.bytes,
        }));
      const endpoints = {
        client: '10.0.4.2',
        server: '10.0.4.9',
        clientPort: 45000 + connection,
        serverPort: 4000,
      };
      for (const record of tcpConversation(endpoints, messages)) engine.push(record);
    }
    const findings = engine.flush();
    const { flows, threats } = splitFindings(findings);
    const operations = flows.flatMap((f) => f.l7?.http?.graphql ?? []);
    expect(operations).toEqual(expect.arrayContaining(['query GetUser', 'mutation Guess']));
    expect(threats.map((t) => [t.threat, t.evidence.split(' — ')[0]])).toEqual([
      ['graphql-abuse', 'field login aliased 30 times'],
    ]);
  });
});
