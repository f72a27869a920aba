/** The CLI's client for the REST API: HTTPS with the local CA, a bearer token, JSON in and out. */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { AppError } from '#core/errors.ts';
import { operatorTokenFile } from '#functions/platform/runtime.ts';

export type ApiClientOptions = { server: string; token: string; ca?: string; insecure?: boolean };
export type ApiResponse = { status: number; body: unknown };

/** Server, token and CA from flags, then MESHWARD_SERVER / MESHWARD_TOKEN, then the local data directory. */
export const clientOptions = (
  flags: {
    server?: string | undefined;
    token?: string | undefined;
    data?: string | undefined;
    insecure?: boolean | undefined;
  },
  env: NodeJS.ProcessEnv,
): ApiClientOptions => {
  const data = flags.data ?? env.MESHWARD_DATA_DIR ?? '.meshward-data';
  const tokenPath = join(data, operatorTokenFile);
  const token =
    flags.token ??
    env.MESHWARD_TOKEN ??
    (existsSync(tokenPath) ? readFileSync(tokenPath, 'utf8').trim() : undefined);
  if (token === undefined) {
    throw new AppError(
      'bad-request',
      `no API token: pass --token, set MESHWARD_TOKEN, or run next to 'meshward serve --data ${data}'`,
    );
  }
  const options: ApiClientOptions = {
    server: flags.server ?? env.MESHWARD_SERVER ?? 'https://127.0.0.1:8443',
    token,
  };
  const caPath = join(data, 'tls', 'ca.crt');
  if (existsSync(caPath)) options.ca = readFileSync(caPath, 'utf8');
  if (flags.insecure === true) options.insecure = true;
  return options;
};

export const apiCall = (
  options: ApiClientOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, options.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      accept: 'application/json',
    };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const tls = {
      rejectUnauthorized: options.insecure !== true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    };
    const req = request(url, { method, headers, ...tls, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (error) =>
      reject(
        new AppError('unavailable', `cannot reach the control plane at ${options.server}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    req.end(payload);
  });

/** The body of a 2xx answer, or an AppError carrying the server's message. */
export const expectOk = (response: ApiResponse): unknown => {
  if (response.status >= 200 && response.status < 300) return response.body;
  const message =
    (response.body as { message?: string } | undefined)?.message ?? JSON.stringify(response.body);
  const code =
    response.status === 401
      ? 'unauthenticated'
      : response.status === 403
        ? 'forbidden'
        : response.status === 404
          ? 'not-found'
          : 'bad-request';
  throw new AppError(code, `control plane answered ${response.status}: ${message}`);
};

/** The connection flags every API command takes, for `node:util` parseArgs. */
export const connectionFlags = {
  server: { type: 'string' },
  token: { type: 'string' },
  data: { type: 'string' },
  insecure: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

export const connectionUsage = `Connection:
  --server URL   control plane URL (default $MESHWARD_SERVER or https://127.0.0.1:8443)
  --token T      API bearer token (default $MESHWARD_TOKEN or DATA/operator.token)
  --data DIR     local data directory, for the token and the CA (default .meshward-data)
  --insecure     do not verify the server certificate
  --json         print the raw JSON answer`;
