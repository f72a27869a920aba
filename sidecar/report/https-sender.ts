/** POSTs a findings batch over HTTPS with the pod's token, re-read from its file before every send (kubelet rotates it). */
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { FindingBatch } from '#core/finding.ts';
import type { SendResult } from './send-result.ts';

export type BatchSender = (batch: FindingBatch) => Promise<SendResult>;

export type HttpsSenderOptions = {
  /** Base URL of the control plane; batches go to `POST {url}/findings`. */
  url: string;
  tokenPath: string;
  /** Extra CA certificates (PEM) trusted for the control plane, e.g. the local CA of `meshward serve`. */
  ca?: string;
  timeoutMs?: number;
  readToken?: (path: string) => Promise<string>;
};

const maxResponseBytes = 1024 * 1024;

/** Commands in an ingest response: `{ commands: [jws | { jws }] }`; anything else yields none. */
export const commandsOf = (body: string): string[] => {
  try {
    const parsed = JSON.parse(body) as { commands?: unknown };
    if (!Array.isArray(parsed.commands)) return [];
    return parsed.commands
      .map((item: unknown) =>
        typeof item === 'object' && item !== null ? (item as { jws?: unknown }).jws : item,
      )
      .filter((item): item is string => typeof item === 'string');
  } catch {
    return [];
  }
};

/** 4xx other than auth and throttling means the batch itself was refused: retrying would not help. */
const classify = (status: number, body: string): SendResult => {
  if (status >= 200 && status < 300) return { ok: true, status, commands: commandsOf(body) };
  const retry = status >= 500 || status === 401 || status === 403 || status === 408 || status === 429;
  return { ok: false, retry, status, reason: `control plane answered ${status}: ${body.slice(0, 200)}` };
};

const post = (url: URL, payload: string, token: string, options: HttpsSenderOptions) =>
  new Promise<SendResult>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        timeout: options.timeoutMs ?? 10_000,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < maxResponseBytes) body += chunk;
        });
        res.on('end', () => resolve(classify(res.statusCode ?? 0, body)));
        res.on('error', (error) => resolve({ ok: false, retry: true, reason: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (error) =>
      resolve({ ok: false, retry: true, reason: `control plane unreachable: ${error.message}` }),
    );
    req.end(payload);
  });

export const createHttpsSender = (options: HttpsSenderOptions): BatchSender => {
  const url = new URL('findings', options.url.endsWith('/') ? options.url : `${options.url}/`);
  const readToken = options.readToken ?? ((path: string) => readFile(path, 'utf8'));
  return async (batch) => {
    let token: string;
    try {
      token = (await readToken(options.tokenPath)).trim();
    } catch (error) {
      return { ok: false, retry: true, reason: `token file unreadable: ${(error as Error).message}` };
    }
    return post(url, JSON.stringify(batch), token, options);
  };
};
