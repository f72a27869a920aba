/**
 * API password guessing through real servers and clients: a node:http server behind Basic authentication that a
 * `fetch` client guesses passwords against (new connections and keep-alive), and a grpc-js service that answers
 * UNAUTHENTICATED to calls without the right token. Both go through the loopback recorder into the engine.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { recordedConversations } from '../engine/conversation.ts';
import { type RecordedChunk, startRecorder } from '../protocols/loopback-recorder.ts';

/** Every connection the recorder relayed, as its own TCP conversation, through one engine. */
const findingsOf = (chunks: RecordedChunk[], serverPort: number): Finding[] => {
  const engine = createEngine({ observers: defaultObservers() });
  const endpoints = (n: number) => ({
    client: '10.0.6.5',
    server: '10.0.6.9',
    clientPort: 43000 + n,
    serverPort,
  });
  for (const record of recordedConversations(chunks, endpoints, Date.now(), 50)) engine.push(record);
  return engine.flush();
};

const threatsOf = (findings: Finding[]) => splitFindings(findings).threats.map((t) => [t.threat, t.evidence]);

/** A 40 KiB page, served without authentication. */
const catalogue = 'x'.repeat(40 * 1024);

/**
 * A Basic-auth API: `admin:hunter2` gets 200, anyone else 401 (and `guest` 403). `page`: the client first fetches the
 * 40 KiB `/catalogue`, on the connection it then guesses on when it keeps it alive.
 */
const recordHttpGuesses = async (passwords: string[], keepAlive: boolean, page = false) => {
  const server = http.createServer((req, res) => {
    if (req.url === '/catalogue') {
      res.end(catalogue);
      return;
    }
    const given = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const status = given === 'admin:hunter2' ? 200 : given.startsWith('guest:') ? 403 : 401;
    res.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="api"' });
    res.end(JSON.stringify({ status }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  const agent = new http.Agent({ keepAlive, maxSockets: 1 });
  const statuses: number[] = [];
  for (const password of page ? ['', ...passwords] : passwords) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port: recorder.port,
          path: password === '' ? '/catalogue' : '/api/v1/login',
          agent,
          headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
    });
    statuses.push(status);
  }
  agent.destroy();
  await recorder.close();
  server.close();
  return { statuses, chunks: recorder.chunks };
};

const proto = `
syntax = "proto3";
package bank;
service Accounts { rpc Balance (BalanceRequest) returns (BalanceReply); }
message BalanceRequest { string account = 1; }
message BalanceReply { int64 cents = 1; }
`;
const definition = fromJSON(protobuf.parse(proto, { keepCase: true }).root.toJSON(), { keepCase: true });
const bank = grpc.loadPackageDefinition(definition).bank as unknown as {
  Accounts: grpc.ServiceClientConstructor;
};
type AccountsClient = grpc.Client & {
  Balance(request: object, metadata: grpc.Metadata, callback: (e: grpc.ServiceError | null) => void): void;
};

/** grpc-js: a token other than `s3cret` gets UNAUTHENTICATED. */
const recordGrpcGuesses = async (tokens: string[]) => {
  const server = new grpc.Server();
  server.addService(bank.Accounts.service, {
    Balance: (call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      if (call.metadata.get('authorization')[0] === 'Bearer s3cret') callback(null, { cents: 100 });
      else callback({ code: grpc.status.UNAUTHENTICATED, details: 'bad token' });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const recorder = await startRecorder(port);
  const client = new bank.Accounts(
    `127.0.0.1:${recorder.port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as AccountsClient;
  const codes: number[] = [];
  for (const token of tokens) {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    codes.push(
      await new Promise<number>((resolve) =>
        client.Balance({ account: 'acc-1' }, metadata, (e) => resolve(e?.code ?? grpc.status.OK)),
      ),
    );
  }
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await recorder.close();
  return { codes, chunks: recorder.chunks };
};

const guesses = Array.from({ length: 30 }, (_, i) => `guess-${i}`);

describe('API password guessing (real HTTP and gRPC servers and clients)', () => {
  it.each([
    ['a new connection per guess', false, false],
    ['one keep-alive connection', true, false],
    // The page's 40 KiB first: the refusals lie past the first 32 KiB of the server's side (ADR 58).
    ['one keep-alive connection after a 40 KiB page', true, true],
  ])('reports 30 wrong Basic passwords over %s', async (_name, keepAlive, page) => {
    const { statuses, chunks } = await recordHttpGuesses(guesses, keepAlive, page);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    const threats = threatsOf(findingsOf(chunks, 8080));
    expect(threats.map(([id]) => id)).toEqual(expect.arrayContaining(['http-auth-brute-force']));
    expect(threats.find(([id]) => id === 'http-auth-brute-force')?.[1]).toMatch(
      /^20 refused requests within 60000 ms \(401 ×20\)$/,
    );
  });

  it('says nothing of a user who mistypes twice and then logs in', async () => {
    const { statuses, chunks } = await recordHttpGuesses(['hunter1', 'Hunter2', 'hunter2', 'hunter2'], true);
    expect(statuses).toEqual([401, 401, 200, 200]);
    // Basic credentials between two pods' addresses are reported as sent in the clear, which they are.
    expect(threatsOf(findingsOf(chunks, 8080))).toEqual([
      [
        'cleartext-credentials',
        'HTTP Basic (Authorization header): the password of user admin sent unencrypted',
      ],
    ]);
  });

  it('reports 25 calls refused UNAUTHENTICATED by a gRPC server, and names the statuses in the flow summary', async () => {
    const { codes, chunks } = await recordGrpcGuesses([
      ...Array.from({ length: 25 }, (_, i) => `t${i}`),
      's3cret',
    ]);
    expect(codes.slice(0, 25).every((c) => c === grpc.status.UNAUTHENTICATED)).toBe(true);
    expect(codes[25]).toBe(grpc.status.OK);
    const findings = findingsOf(chunks, 50051);
    // The bearer tokens in plain HTTP/2 are not reported: cleartext-credentials leaves tokens off by default.
    expect(threatsOf(findings)).toEqual([
      ['http-auth-brute-force', '20 refused requests within 60000 ms (grpc UNAUTHENTICATED ×20)'],
    ]);
    const [flow] = splitFindings(findings).flows;
    expect(flow?.protocol).toBe('grpc');
    expect(flow?.l7?.grpc).toEqual({
      methods: ['bank.Accounts/Balance'],
      statuses: ['UNAUTHENTICATED', 'OK'],
    });
  });
});
