/** serveDashboard: index at `/`, hashed bundles under `/ui/` cached for a year, gzip when asked, nothing else. */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assetOf, cacheControlOf, contentTypeOf } from '#functions/dashboard/dashboard-assets.ts';
import { serveDashboard } from '#functions/dashboard/run.ts';

const script = 'console.log("meshward");'.repeat(50);
const assets = new Map([
  ['index.html', assetOf('index.html', Buffer.from('<!doctype html><title>meshward</title>'))],
  ['app-ICS5C6KB.js', assetOf('app-ICS5C6KB.js', Buffer.from(script))],
  ['style-YMPIBFCO.css', assetOf('style-YMPIBFCO.css', Buffer.from('body{margin:0}'))],
]);

const text = (body: string | undefined) => Buffer.from(body ?? '', 'base64').toString('utf8');

describe('serveDashboard', () => {
  it('serves index.html at / with no-cache and a same-origin content security policy', () => {
    const result = serveDashboard(assets, { path: '/' });
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    expect(String(result.headers?.['content-security-policy'])).toMatch(
      /script-src 'self';.*connect-src 'self'/,
    );
    expect(text(result.body)).toContain('<title>meshward</title>');
  });

  it('serves content-hashed bundles as immutable for a year, with their types', () => {
    const js = serveDashboard(assets, { path: '/ui/app-ICS5C6KB.js' });
    expect(js.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect(js.headers?.['content-security-policy']).toBeUndefined();
    expect(text(js.body)).toBe(script);
    const css = serveDashboard(assets, { path: '/ui/style-YMPIBFCO.css' });
    expect(css.headers?.['content-type']).toBe('text/css; charset=utf-8');
  });

  it('gzips when the client accepts it and it saves bytes', () => {
    const result = serveDashboard(assets, { path: '/ui/app-ICS5C6KB.js', acceptEncoding: 'br, gzip;q=0.8' });
    expect(result.headers?.['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(result.body ?? '', 'base64')).toString()).toBe(script);
    const tiny = serveDashboard(assets, { path: '/ui/style-YMPIBFCO.css', acceptEncoding: 'gzip' });
    expect(tiny.headers?.['content-encoding']).toBeUndefined();
  });

  it('answers 404 for anything not in the build, traversal included', () => {
    for (const path of [
      '/ui/nope.js',
      '/ui/../package.json',
      '/ui/',
      '/index.html',
      '/api/graph',
      '/ui/app-ICS5C6KB.js/x',
    ])
      expect(serveDashboard(assets, { path }).statusCode, path).toBe(404);
  });

  it('names content types and cache policies by file name', () => {
    expect(contentTypeOf('a.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('a.weird')).toBe('application/octet-stream');
    expect(cacheControlOf('index.html')).toBe('no-cache');
    expect(cacheControlOf('app-ABCDEFG2.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlOf('app.js')).toBe('no-cache');
  });
});
