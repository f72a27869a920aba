/** Answers a dashboard request from the built assets: `/` is index.html, `/ui/<file>` a bundle; nothing else. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { DashboardAssets } from './dashboard-assets.ts';

/** The page loads only its own script and style and talks only to its own origin. */
export const dashboardCsp =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const notFound = (path: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: 'not-found', message: `no dashboard file ${path}`, details: [] }),
});

export type DashboardRequest = { path: string; acceptEncoding?: string };

export const serveDashboard = (
  assets: DashboardAssets,
  request: DashboardRequest,
): APIGatewayProxyStructuredResultV2 => {
  const name = request.path === '/' ? 'index.html' : request.path.replace(/^\/ui\//, '');
  const asset = request.path === '/' || request.path.startsWith('/ui/') ? assets.get(name) : undefined;
  if (asset === undefined) return notFound(request.path);
  const gzip = /\bgzip\b/.test(request.acceptEncoding ?? '') && asset.gzip.length < asset.body.length;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'cache-control': asset.cacheControl,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    vary: 'accept-encoding',
  };
  if (name === 'index.html') headers['content-security-policy'] = dashboardCsp;
  if (gzip) headers['content-encoding'] = 'gzip';
  return {
    statusCode: 200,
    headers,
    body: (gzip ? asset.gzip : asset.body).toString('base64'),
    isBase64Encoded: true,
  };
};
