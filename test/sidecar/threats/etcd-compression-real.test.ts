/**
 * What `etcd-access` leaves unread, checked against the real server: it does not inflate compressed gRPC messages,
 * and Debian's etcd refuses them (no gzip decompressor is registered), so a compressed Range over Secrets reads
 * nothing. If a later etcd accepts them this test fails, and the detector must inflate them. etcd runs on loopback
 * ports of this host; the client is grpc-js with a minimal copy of etcd's KV service.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hasCommand } from '#test/helpers/netns.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = hasCommand('etcd') ? undefined : 'etcd is not installed (apt-get install etcd-server)';

/** etcd's api/etcdserverpb/rpc.proto, only the fields used here (same field numbers). */
const proto = `
syntax = "proto3";
package etcdserverpb;
service KV { rpc Range (RangeRequest) returns (RangeResponse); rpc Put (PutRequest) returns (PutResponse); }
message RangeRequest { bytes key = 1; bytes range_end = 2; }
message KeyValue { bytes key = 1; bytes value = 5; }
message RangeResponse { repeated KeyValue kvs = 2; int64 count = 4; }
message PutRequest { bytes key = 1; bytes value = 2; }
message PutResponse {}
`;
type Reply = { kvs?: { key: Buffer }[] };
type Call = (request: object, done: (error: grpc.ServiceError | null, reply?: Reply) => void) => void;
type KvClient = grpc.Client & { Range: Call; Put: Call };
const definition = fromJSON(protobuf.parse(proto, { keepCase: true }).root.toJSON(), { keepCase: true });
const kv = (
  grpc.loadPackageDefinition(definition).etcdserverpb as unknown as { KV: grpc.ServiceClientConstructor }
).KV;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

/** One call, retried while etcd is still starting (UNAVAILABLE); resolves with the error or the reply. */
const call = async (
  client: KvClient,
  method: 'Range' | 'Put',
  request: object,
): Promise<{ error?: grpc.ServiceError; reply?: Reply }> => {
  for (let attempt = 0; ; attempt++) {
    const result = await new Promise<{ error?: grpc.ServiceError; reply?: Reply }>((resolve) =>
      client[method](request, (error, reply) => resolve(error ? { error } : { reply: reply as Reply })),
    );
    if (result.error?.code !== grpc.status.UNAVAILABLE || attempt >= 40) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

describe.skipIf(unavailable !== undefined)(
  `etcd refuses compressed requests${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('answers a plain Range over Secrets and refuses the same Range gzip-compressed (UNIMPLEMENTED)', async () => {
      const [clientPort, peerPort] = [await freePort(), await freePort()];
      const url = `http://127.0.0.1:${clientPort}`;
      let stderr = '';
      const etcd: ChildProcess = spawn('etcd', [
        ...['--name', 'compression', '--data-dir', `${tempDir('meshward-etcd-gzip-')}/data`],
        ...['--listen-client-urls', url, '--advertise-client-urls', url],
        ...['--listen-peer-urls', `http://127.0.0.1:${peerPort}`],
        ...['--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`],
        ...['--initial-cluster', `compression=http://127.0.0.1:${peerPort}`],
      ]);
      etcd.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4096);
      });
      onTestFinished(() => {
        etcd.kill('SIGKILL');
      });
      const plain = new kv(
        `127.0.0.1:${clientPort}`,
        grpc.credentials.createInsecure(),
      ) as unknown as KvClient;
      // grpc-js numbers gzip 2 (its CompressionAlgorithms).
      const gzip = new kv(`127.0.0.1:${clientPort}`, grpc.credentials.createInsecure(), {
        'grpc.default_compression_algorithm': 2,
      }) as unknown as KvClient;
      onTestFinished(() => {
        plain.close();
        gzip.close();
      });
      const key = Buffer.from('/registry/secrets/default/db-password');
      const put = await call(plain, 'Put', { key, value: Buffer.from('hunter2') });
      expect(put.error, stderr).toBeUndefined();
      const secrets = {
        key: Buffer.from('/registry/secrets/'),
        range_end: Buffer.from('/registry/secrets0'),
      };
      const read = await call(plain, 'Range', secrets);
      expect(read.reply?.kvs?.map((kv) => kv.key.toString())).toEqual([key.toString()]);
      const compressed = await call(gzip, 'Range', secrets);
      expect(compressed.error?.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(compressed.error?.details).toMatch(/decompressor is not installed/i);
      expect(compressed.reply).toBeUndefined();
    });
  },
);
