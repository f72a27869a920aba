/** The local HTTPS host: serves every cloud function behind one port, as API Gateway v2 events. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CloudFunction } from '../cloud-function.ts';
import { errorResponse, json } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { createRouter } from './router.ts';
import { toEvent } from './to-event.ts';

export type LocalServerOptions = {
  functions: readonly CloudFunction[];
  tls: { key: string; cert: string };
  logger: Logger;
  /** Largest request body accepted, bytes. */
  maxBodyBytes?: number;
};

export type LocalServer = {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
};

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const send = (response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies !== undefined && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
};

const health = (path: string): APIGatewayProxyStructuredResultV2 | undefined =>
  path === '/healthz' || path === '/readyz' ? json(200, { status: 'ok' }) : undefined;

export const createLocalServer = (options: LocalServerOptions): LocalServer => {
  const router = createRouter(options.functions);
  const limit = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'https://localhost').pathname;
    const result = await dispatch(request, method, path).catch((error: unknown) => errorResponse(error));
    send(response, result);
    const ms = Math.round((performance.now() - started) * 100) / 100;
    options.logger('info', 'request', { method, path: redactPath(path), status: result.statusCode, ms });
  };
  const dispatch = async (request: IncomingMessage, method: string, path: string) => {
    const healthResult = health(path);
    if (healthResult !== undefined) return healthResult;
    const match = router.match(method, path);
    if (match === undefined) return json(404, { error: 'not-found', message: 'no such route' });
    if (match === 'method-not-allowed')
      return json(405, { error: 'method-not-allowed', message: `${method} not allowed` });
    const body = await readBody(request, limit);
    if (body === 'too-large')
      return json(413, { error: 'too-large', message: `request body over ${limit} bytes` });
    const event = toEvent({
      method,
      url: request.url ?? '/',
      headers: request.headers,
      body,
      sourceIp: request.socket.remoteAddress ?? '',
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
    });
    return match.fn.handler(event);
  };
  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger('error', 'request failed', { error: String(error) });
      if (!response.headersSent) send(response, errorResponse(error));
    });
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
};

/** Secret webhook path segments never reach the logs. */
const redactPath = (path: string): string =>
  path.replace(/^\/[A-Za-z0-9_-]{16,}\/admission\//, '/<secret>/admission/');
