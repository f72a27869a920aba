/** The local object store: files under the data directory, with HMAC-signed, expiring PUT and GET URLs (presigned, S3-style). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '#core/errors.ts';
import { isSafeKey, type ObjectStore } from './object-store.ts';

export type LocalObjectStoreOptions = {
  dir: string;
  /** Where the captures route is reachable, e.g. `https://meshward.meshward.svc:8443/captures`. */
  baseUrl: string;
  /** Signs the URLs; keep it secret and stable across restarts. */
  secret: string;
  nowSeconds?: () => number;
  /** How long a GET link stays valid. */
  linkTtlSeconds?: number;
};

export type LocalObjectStore = ObjectStore & {
  /** Checks a presigned request: method, key, expiry and signature. */
  verify(
    method: 'GET' | 'PUT',
    key: string,
    expires: string | undefined,
    signature: string | undefined,
  ): boolean;
};

const checkKey = (key: string): string => {
  if (!isSafeKey(key)) throw new AppError('bad-request', `invalid object key "${key}"`);
  return key;
};

export const createLocalObjectStore = (options: LocalObjectStoreOptions): LocalObjectStore => {
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const mac = (method: string, key: string, expires: string) =>
    createHmac('sha256', options.secret).update(`${method}\n${key}\n${expires}`).digest('hex');
  const url = (method: 'GET' | 'PUT', key: string, ttl: number) => {
    const expires = String(now() + ttl);
    const path = checkKey(key).split('/').map(encodeURIComponent).join('/');
    return `${options.baseUrl.replace(/\/$/, '')}/${path}?expires=${expires}&signature=${mac(method, key, expires)}`;
  };
  return {
    uploadUrl: async (key, expiresSeconds) => url('PUT', key, expiresSeconds),
    link: async (key) => url('GET', key, options.linkTtlSeconds ?? 7 * 86_400),
    async put(key, body) {
      const path = join(options.dir, checkKey(key));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.part`, body, { mode: 0o600 });
      await rename(`${path}.part`, path);
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(join(options.dir, checkKey(key))));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    verify(method, key, expires, signature) {
      if (!isSafeKey(key) || expires === undefined || signature === undefined) return false;
      if (!/^\d+$/.test(expires) || Number(expires) < now()) return false;
      const expected = Buffer.from(mac(method, key, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
};
