/**
 * Injection inside gRPC: a real grpc-js client and server (protobuf encoded by protobufjs from a .proto) talk through
 * the loopback recorder, and the engine judges the request message's text fields, nested ones and gzip-compressed
 * ones included; a compressed message past the 1 MiB inflated for a body is reported as not judged.
 */
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { tcpConversation } from '../engine/conversation.ts';
import { startRecorder } from '../protocols/loopback-recorder.ts';

const proto = `
syntax = "proto3";
package shop;
service Catalog {
  rpc Search (SearchRequest) returns (SearchReply);
  rpc Upload (stream SearchRequest) returns (SearchReply);
}
message Filter { string name = 1; string value = 2; }
message SearchRequest { string user = 1; int32 page_size = 2; string query = 3; repeated Filter filters = 4; }
message SearchReply { repeated string ids = 1; }
`;
type CatalogClient = grpc.Client & {
  Upload(
    callback: (error: grpc.ServiceError | null, reply?: { ids: string[] }) => void,
  ): grpc.ClientWritableStream<object>;
  Search(
    request: object,
    metadata: grpc.Metadata,
    callback: (error: grpc.ServiceError | null, reply?: { ids: string[] }) => void,
  ): void;
};

const definition = fromJSON(protobuf.parse(proto, { keepCase: true }).root.toJSON(), { keepCase: true });
const shop = grpc.loadPackageDefinition(definition).shop as unknown as {
  Catalog: grpc.ServiceClientConstructor;
};

/**
 * One Search call from a real client, recorded; `compression` 2 is gzip in grpc-js's numbering; `metadata` is sent
 * as request headers (what an ingress in front of the server adds).
 */
const recordSearch = async (
  request: object | object[],
  compression?: number,
  metadata?: Record<string, string>,
) => {
  const server = new grpc.Server();
  server.addService(shop.Catalog.service, {
    Search: (_call: unknown, callback: (e: null, reply: object) => void) =>
      callback(null, { ids: ['sku-1'] }),
    Upload: (call: grpc.ServerReadableStream<object, object>, callback: (e: null, reply: object) => void) => {
      let count = 0;
      call.on('data', () => {
        count += 1;
      });
      call.on('end', () => callback(null, { ids: [`received ${count}`] }));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const recorder = await startRecorder(port);
  const options = compression === undefined ? {} : { 'grpc.default_compression_algorithm': compression };
  const client = new shop.Catalog(
    `127.0.0.1:${recorder.port}`,
    grpc.credentials.createInsecure(),
    options,
  ) as unknown as CatalogClient;
  const headers = new grpc.Metadata();
  for (const [name, value] of Object.entries(metadata ?? {})) headers.set(name, value);
  // An array is sent as a client stream (Upload), one message each.
  const reply = await new Promise<{ ids: string[] } | undefined>((resolve, reject) => {
    const done = (e: grpc.ServiceError | null, r?: { ids: string[] }) => (e ? reject(e) : resolve(r));
    if (!Array.isArray(request)) return client.Search(request, headers, done);
    const stream = client.Upload(done);
    for (const message of request) stream.write(message);
    stream.end();
  });
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await recorder.close();
  return { reply, chunks: recorder.chunks };
};

/** The engine's findings for the recorded call, its server on `serverPort` (a system port is a protocol's hint). */
const findingsOf = (chunks: Awaited<ReturnType<typeof recordSearch>>['chunks'], serverPort = 3550) => {
  const engine = createEngine({ observers: defaultObservers() });
  const messages = chunks.map((c) => ({
    from: c.direction === 'to-server' ? ('client' as const) : ('server' as const),
    data: c.bytes,
  }));
  const endpoints = { client: '10.0.1.5', server: '10.0.2.9', clientPort: 41000, serverPort };
  for (const record of tcpConversation(endpoints, messages)) engine.push(record);
  return engine.flush();
};

const injected = "x' UNION SELECT password FROM users--";
const request = {
  user: 'alice',
  page_size: 20,
  query: 'running shoes',
  filters: [
    { name: 'brand', value: 'acme' },
    { name: 'colour', value: injected },
  ],
};

describe('injection in gRPC messages (grpc-js client and server, protobufjs encoding)', () => {
  it.each([
    ['uncompressed', undefined],
    ['gzip-compressed', 2],
  ])(
    'finds SQL injection in a nested field of an %s request and names the field',
    async (_name, compression) => {
      const { reply, chunks } = await recordSearch(request, compression);
      expect(reply?.ids).toEqual(['sku-1']);
      const { flows, threats } = splitFindings(findingsOf(chunks));
      expect(flows[0]).toMatchObject({ protocol: 'grpc' });
      expect(threats.map((t) => t.threat)).toEqual(['sql-injection']);
      expect(threats[0]?.evidence).toContain(`grpc $.4.2: ${injected}`);
    },
  );

  it('names the client an ingress wrote into the call, on its fields and on the call itself', async () => {
    // The server listens on LDAP's port: protocol-mismatch judges the flow on its first event, the grpc-call; the
    // injection is found in the HTTP/2 request event that follows it, with the same headers.
    const { chunks } = await recordSearch(request, undefined, {
      'x-forwarded-for': '198.51.100.7, 203.0.113.9',
    });
    const { threats } = splitFindings(findingsOf(chunks, 389));
    expect(threats.map((t) => [t.threat, t.client.ip, t.origin, t.originBy])).toEqual([
      ['protocol-mismatch', '10.0.1.5', { ip: '203.0.113.9', port: 0 }, 'x-forwarded-for'],
      ['sql-injection', '10.0.1.5', { ip: '203.0.113.9', port: 0 }, 'x-forwarded-for'],
    ]);
  });

  it('reports the compressed message after 1 MiB of compressed padding as not judged (it was skipped unseen)', async () => {
    const padding = { user: 'alice', query: 'p'.repeat(1024 * 1024 - 16) };
    const { reply, chunks } = await recordSearch([padding, request], 2);
    expect(reply?.ids).toEqual(['received 2']);
    const { threats } = splitFindings(findingsOf(chunks));
    expect(threats.map((t) => [t.threat, t.evidence])).toEqual([
      [
        'uninspected-body',
        'POST /shop.Catalog/Upload (application/grpc): 1 compressed message was not inflated (past the 1 MiB inflated for one body); the rest was not judged',
      ],
    ]);
    // Without the padding the same stream's injection is found, and nothing is reported as unread.
    const plain = await recordSearch([{ user: 'alice' }, request], 2);
    const { threats: found } = splitFindings(findingsOf(plain.chunks));
    expect(found.map((t) => t.threat)).toEqual(['sql-injection']);
  });

  it('flags nothing in the same call with ordinary values', async () => {
    const { chunks } = await recordSearch({
      ...request,
      filters: [{ name: 'colour', value: "dark red, men's" }],
    });
    expect(splitFindings(findingsOf(chunks)).threats).toEqual([]);
  });
});
