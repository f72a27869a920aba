/**
 * gRPC requests padded past the 64 KiB kept (ADR 46, gRPC bodies) on a real round trip: grpc-js's client calls a
 * grpc-js server in this test over HTTP/2 on loopback, a unary call whose message pads one field with 70 KB before
 * the attack in the next, and a client stream whose 81st message carries it; the server decodes each with the schema
 * as an application would and answers with the value it found. tcpdump captures loopback, and the engine reads the
 * capture with the default detectors. Before, neither was judged nor reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : hasCommand('tcpdump')
    ? undefined
    : 'tcpdump missing (installed by .ci/run)';

const proto = `
syntax = "proto3";
package shop;
service Catalog { rpc Search (Query) returns (Hit); rpc Import (stream Query) returns (Hit); }
message Filter { string note = 1; string q = 2; }
message Query { string pad = 1; string q = 2; Filter filter = 3; }
message Hit { string q = 1; }
`;
type Query = { pad?: string; q?: string; filter?: { note?: string; q?: string } };
type Hit = { q: string };
const definition = fromJSON(protobuf.parse(proto, { keepCase: true }).root.toJSON(), { keepCase: true });
const catalog = (
  grpc.loadPackageDefinition(definition).shop as unknown as { Catalog: grpc.ServiceClientConstructor }
).Catalog;
type CatalogClient = grpc.Client & {
  Search(query: Query, done: (error: grpc.ServiceError | null, hit?: Hit) => void): void;
  Import(done: (error: grpc.ServiceError | null, hit?: Hit) => void): grpc.ClientWritableStream<Query>;
};

/** The server: the `q` it read, a nested one first, the last message's for a stream. */
const startServer = async (): Promise<{ server: grpc.Server; port: number }> => {
  const server = new grpc.Server();
  server.addService(catalog.service, {
    Search: (call: grpc.ServerUnaryCall<Query, Hit>, done: grpc.sendUnaryData<Hit>) =>
      done(null, { q: call.request.filter?.q || call.request.q || '' }),
    Import: (call: grpc.ServerReadableStream<Query, Hit>, done: grpc.sendUnaryData<Hit>) => {
      let last = '';
      call.on('data', (query: Query) => {
        last = query.q ?? '';
      });
      call.on('end', () => done(null, { q: last }));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, port };
};

const sqli = "1' OR '1'='1";
const xss = '<script>alert(1)</script>';

/** The unary calls on `client`, the stream on `streaming`: a connection of its own, a finding of its own. */
const calls = async (client: CatalogClient, streaming: CatalogClient): Promise<string[]> => {
  const search = (query: Query) =>
    new Promise<string>((resolve, reject) =>
      client.Search(query, (error, hit) => (error ? reject(error) : resolve(hit?.q ?? ''))),
    );
  const answers = [
    await search({ pad: 'A'.repeat(70_000), q: sqli }),
    await search({ filter: { note: 'B'.repeat(80_000), q: xss } }),
  ];
  const streamed = await new Promise<string>((resolve, reject) => {
    const stream = streaming.Import((error, hit) => (error ? reject(error) : resolve(hit?.q ?? '')));
    for (let i = 0; i < 80; i++) stream.write({ pad: `item ${i} ${'x'.repeat(1000)}`, q: `order ${i}` });
    stream.write({ q: sqli });
    stream.end();
  });
  return [...answers, streamed];
};

describe.skipIf(unavailable !== undefined)(
  `gRPC requests padded past 64 KiB over loopback${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reports the attack after the padding in each, as the server read it', async () => {
      const { server, port } = await startServer();
      const pcap = join(tempDir('padded-grpc'), 'grpc.pcap');
      const tcpdump: ChildProcess = spawn('tcpdump', [
        ...tcpdumpBuffer,
        '-i',
        'lo',
        '-s',
        '0',
        '-U',
        '--immediate-mode',
        '-w',
        pcap,
        `tcp port ${port}`,
      ]);
      const connect = () =>
        new catalog(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
        }) as unknown as CatalogClient;
      const client = connect();
      const streaming = connect();
      let answers: string[] = [];
      try {
        await tcpdumpListening(tcpdump);
        answers = await calls(client, streaming);
      } finally {
        client.close();
        streaming.close();
        await stopTcpdump(tcpdump, 500);
        server.forceShutdown();
      }
      expect(answers).toEqual([sqli, xss, sqli]);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const threats = splitFindings(findings).threats.map((f) => [f.threat, f.evidence.slice(0, 60)]);
      expect(threats).toEqual([
        ['sql-injection', expect.stringContaining('grpc $.2')],
        ['xss', expect.stringContaining('grpc $.3.2')],
        ['sql-injection', expect.stringContaining('grpc $[80].2')],
      ]);
    }, 60_000);
  },
);
