/** One Kubernetes REST call over plain HTTPS (CA, bearer token or client certificate): 2xx is the body, listed statuses values. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '#core/errors.ts';
import type { KubeConnection } from './kube-connection.ts';

type Reply = { status: number; body: unknown };
export type KubeCall = { method: string; path: string; body?: unknown; contentType?: string };

const send = async (connection: KubeConnection, call: KubeCall): Promise<Reply> => {
  const url = new URL(call.path, connection.server);
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = call.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (connection.token !== undefined) headers.authorization = `Bearer ${await connection.token()}`;
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      url,
      {
        method: call.method,
        headers,
        timeout: 10_000,
        ...(connection.ca === undefined ? {} : { ca: connection.ca }),
        ...(connection.cert === undefined ? {} : { cert: connection.cert, key: connection.key }),
        ...(connection.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let body: unknown = raw;
          try {
            body = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            // not JSON: keep the text for the error message
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(payload);
  });
};

/** Runs a call; 2xx is the body, the listed statuses become values, anything else an `unavailable` AppError. */
export const kubeRequest = async <V extends string>(
  connection: KubeConnection,
  what: string,
  call: KubeCall,
  expected: Partial<Record<number, V>> = {},
): Promise<unknown> => {
  let reply: Reply;
  try {
    reply = await send(connection, call);
  } catch (error) {
    throw new AppError(
      'unavailable',
      `Kubernetes API: ${what} failed (no response: ${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (reply.status >= 200 && reply.status < 300) return reply.body;
  const value = expected[reply.status];
  if (value !== undefined) return value;
  const message = (reply.body as { message?: string } | undefined)?.message;
  throw new AppError(
    'unavailable',
    `Kubernetes API: ${what} failed (${reply.status}${message ? `: ${message}` : ''})`,
  );
};
