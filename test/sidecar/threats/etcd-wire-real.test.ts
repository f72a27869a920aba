/**
 * How the real etcd reads its wire, where `etcd-access` must read it the same way. It does not inflate compressed
 * gRPC messages, and Debian's etcd refuses them (no gzip decompressor is registered), so a compressed Range over
 * Secrets reads nothing; if a later etcd accepts them the first test fails, and the detector must inflate them. A
 * RequestOp whose range comes in two copies is merged, as protobuf merges any embedded message, so the detector
 * merges them too (etcd-access.test.ts). etcd runs on loopback ports of this host; the client is grpc-js with a
 * minimal copy of etcd's KV service.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '#test/helpers/netns.ts';

const unavailable = hasCommand('etcd') ? undefined : 'etcd is not installed (apt-get install etcd-server)';

/** etcd's api/etcdserverpb/rpc.proto, only the fields used here (same field numbers). */
const proto = `
syntax = "proto3";
package etcdserverpb;
service KV { rpc Range (RangeRequest) returns (RangeResponse); rpc Put (PutRequest) returns (PutResponse); }
message ResponseOp { RangeResponse response_range = 1; }
message TxnResponse { bool succeeded = 2; repeated ResponseOp responses = 3; }
message RangeRequest { bytes key = 1; bytes range_end = 2; }
message KeyValue { bytes key = 1; bytes value = 5; }
message RangeResponse { repeated KeyValue kvs = 2; int64 count = 4; }
message PutRequest { bytes key = 1; bytes value = 2; }
message PutResponse {}
`;
type Reply = { kvs?: { key: Buffer }[] };
type Call = (request: object, done: (error: grpc.ServiceError | null, reply?: Reply) => void) => void;
type KvClient = grpc.Client & { Range: Call; Put: Call };
const root = protobuf.parse(proto, { keepCase: true }).root;
const definition = fromJSON(root.toJSON(), { keepCase: true });
const txnResponse = root.lookupType('etcdserverpb.TxnResponse');
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

/** Raw protobuf: a length-delimited field (etcd's keys and nested messages). */
const field = (number: number, value: Uint8Array | string): Buffer => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  return Buffer.concat([Buffer.from([number * 8 + 2, bytes.length]), bytes]);
};

describe.skipIf(unavailable !== undefined)(
  `how etcd reads its wire${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-etcd-wire-'));
    let etcd: ChildProcess | undefined;
    let stderr = '';
    let address = '';
    const clients: KvClient[] = [];
    const client = (options: grpc.ChannelOptions = {}): KvClient => {
      const made = new kv(address, grpc.credentials.createInsecure(), options) as unknown as KvClient;
      clients.push(made);
      return made;
    };
    const secret = '/registry/secrets/default/db-password';
    const secrets = { key: Buffer.from('/registry/secrets/'), range_end: Buffer.from('/registry/secrets0') };

    beforeAll(async () => {
      const [clientPort, peerPort] = [await freePort(), await freePort()];
      const url = `http://127.0.0.1:${clientPort}`;
      const peer = `http://127.0.0.1:${peerPort}`;
      address = `127.0.0.1:${clientPort}`;
      etcd = spawn('etcd', [
        ...['--name', 'wire', '--data-dir', join(dir, 'data')],
        ...['--listen-client-urls', url, '--advertise-client-urls', url],
        ...[
          '--listen-peer-urls',
          peer,
          '--initial-advertise-peer-urls',
          peer,
          '--initial-cluster',
          `wire=${peer}`,
        ],
      ]);
      etcd.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4096);
      });
      const put = await call(client(), 'Put', { key: Buffer.from(secret), value: Buffer.from('hunter2') });
      expect(put.error, stderr).toBeUndefined();
    });

    afterAll(() => {
      for (const made of clients) made.close();
      etcd?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers a plain Range over Secrets and refuses the same Range gzip-compressed (UNIMPLEMENTED)', async () => {
      const read = await call(client(), 'Range', secrets);
      expect(read.reply?.kvs?.map((kv) => kv.key.toString())).toEqual([secret]);
      // grpc-js numbers gzip 2 (its CompressionAlgorithms).
      const compressed = await call(client({ 'grpc.default_compression_algorithm': 2 }), 'Range', secrets);
      expect(compressed.error?.code, stderr).toBe(grpc.status.UNIMPLEMENTED);
      expect(compressed.error?.details).toMatch(/decompressor is not installed/i);
      expect(compressed.reply).toBeUndefined();
    });

    it("merges a Txn RequestOp's range sent in two copies: the harmless key, then the Secrets range", async () => {
      // TxnRequest.success (2) = RequestOp { request_range (1) twice }: protobuf merges the copies.
      const op = Buffer.concat([
        field(1, field(1, '/app/config')),
        field(1, Buffer.concat([field(1, '/registry/secrets/'), field(2, '/registry/secrets0')])),
      ]);
      const txn = field(2, op);
      const reply = await new Promise<protobuf.Message | undefined>((resolve, reject) =>
        client().makeUnaryRequest(
          '/etcdserverpb.KV/Txn',
          (raw: Buffer) => raw,
          (bytes: Buffer) => txnResponse.decode(bytes),
          txn,
          (error, answer) => (error ? reject(error) : resolve(answer)),
        ),
      );
      const answer = txnResponse.toObject(reply as protobuf.Message) as {
        responses?: { response_range?: { kvs?: { key: Buffer }[] } }[];
      };
      const keys = answer.responses
        ?.flatMap((r) => r.response_range?.kvs ?? [])
        .map((kv) => kv.key.toString());
      expect(keys, stderr).toEqual([secret]);
    });
  },
);
