/** The dashboard's Lambda handler: builds on first request, then serves the page and the bundle it names. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardPaths } from '#functions/dashboard/dashboard-paths.ts';
import { handler } from '#functions/dashboard/handler.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { httpEvent } from '../platform/factories.ts';

describe('dashboard handler', () => {
  it('builds a fresh copy on the first request and serves index.html and its script', async () => {
    const root = tempDir('meshward-dashboard-handler-');
    for (const name of ['src', 'index.html', 'style.css'])
      cpSync(join(dashboardPaths().root, name), join(root, name), { recursive: true });
    process.env.MESHWARD_DASHBOARD_DIR = root;
    const index = await handler(httpEvent('GET', '/'));
    expect(index.statusCode).toBe(200);
    const html = Buffer.from(index.body ?? '', 'base64').toString('utf8');
    const script = /src="(\/ui\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1] ?? '';
    const bundle = await handler(httpEvent('GET', script, { headers: { 'Accept-Encoding': 'gzip' } }));
    expect(bundle).toMatchObject({ statusCode: 200, headers: { 'content-encoding': 'gzip' } });
    expect((await handler(httpEvent('GET', '/ui/missing.css'))).statusCode).toBe(404);
    delete process.env.MESHWARD_DASHBOARD_DIR;
  });
});
