/**
 * A local S3 endpoint (path-style `/bucket/key`) that accepts only presigned PUT and GET requests whose SigV4
 * query signature, credential and expiry check out, answering 403 with S3's error codes otherwise.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPresignedUrl } from './sigv4.ts';

export type FakeS3 = {
  endpoint: string;
  objects: Map<string, Buffer>;
  refused: string[];
  close(): Promise<void>;
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export const startFakeS3 = async (
  bucket: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  now: () => Date = () => new Date(),
): Promise<FakeS3> => {
  const objects = new Map<string, Buffer>();
  const refused: string[] = [];
  const checkSignature = (request: IncomingMessage, body: Buffer, path: string) => {
    const wire = { method: request.method ?? '', url: request.url ?? '/', headers: request.headers, body };
    const signed = verifyPresignedUrl(
      wire,
      (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
      now(),
    );
    if (signed.ok) return undefined;
    refused.push(`${request.method} ${path}: ${signed.reason}`);
    const code = signed.reason === 'Request has expired' ? 'AccessDenied' : 'SignatureDoesNotMatch';
    return { status: 403, body: xmlError(code, signed.reason) };
  };
  const handle = (request: IncomingMessage, body: Buffer): { status: number; body: Buffer | string } => {
    const url = new URL(request.url ?? '/', 'http://x');
    const [, first, ...rest] = url.pathname.split('/');
    if (first !== bucket) return { status: 404, body: xmlError('NoSuchBucket', `no bucket ${first}`) };
    const refusal = checkSignature(request, body, url.pathname);
    if (refusal !== undefined) return refusal;
    const key = rest.map(decodeURIComponent).join('/');
    if (request.method === 'PUT') {
      objects.set(key, body);
      return { status: 200, body: '' };
    }
    if (request.method !== 'GET') return { status: 405, body: xmlError('MethodNotAllowed', 'GET or PUT') };
    const object = objects.get(key);
    return object === undefined
      ? { status: 404, body: xmlError('NoSuchKey', 'The specified key does not exist.') }
      : { status: 200, body: object };
  };
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const answer = handle(request, body);
      response.writeHead(answer.status);
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
