/** The built dashboard read into memory: each file's bytes, gzip form, content type and cache policy. */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type DashboardAsset = { body: Buffer; gzip: Buffer; contentType: string; cacheControl: string };
export type DashboardAssets = ReadonlyMap<string, DashboardAsset>;

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** `app-4XKQ2ZJ7.js`: esbuild's content hash in the name, so the file never changes under that name. */
const hashed = /-[A-Z0-9]{8}\.[a-z]+$/;

export const contentTypeOf = (name: string): string =>
  contentTypes[extname(name)] ?? 'application/octet-stream';

export const cacheControlOf = (name: string): string =>
  hashed.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache';

export const assetOf = (name: string, body: Buffer): DashboardAsset => ({
  body,
  gzip: gzipSync(body),
  contentType: contentTypeOf(name),
  cacheControl: cacheControlOf(name),
});

export const loadDashboardAssets = (dist: string): DashboardAssets =>
  new Map(readdirSync(dist).map((name) => [name, assetOf(name, readFileSync(join(dist, name)))]));
