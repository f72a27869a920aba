/** A fetch for jose's remote JWKS that trusts the control plane's CA (Node's fetch has no per-request `ca`). */
import { request } from 'node:https';

type FetchInit = { headers?: Record<string, string>; method?: string; signal?: AbortSignal };

const maxBytes = 256 * 1024;

export const fetchWithCa =
  (ca: string) =>
  (url: string, init: FetchInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers ?? {},
          ca,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes)
              req.destroy(new Error(`JWKS response from ${url} exceeds ${maxBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              if (typeof value === 'string') headers.set(name, value);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
