/** The dashboard build: made when missing or older than its sources, once per process; a clear error without sources. */
import { cpSync, existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.ts';
import { buildDashboard } from '#functions/dashboard/build-dashboard.ts';
import { dashboardPaths } from '#functions/dashboard/dashboard-paths.ts';
import { dashboardStale, ensureDashboardBuilt } from '#functions/dashboard/ensure-dashboard.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const source = dashboardPaths().root;

/** A private copy of the dashboard sources, so tests never race the repository's own dist/. */
const copy = () => {
  const root = tempDir('meshward-dashboard-');
  for (const name of ['src', 'index.html', 'style.css'])
    cpSync(join(source, name), join(root, name), { recursive: true });
  return dashboardPaths(root);
};

describe('dashboard build', () => {
  it('bundles hashed files and an index.html that names them', async () => {
    const paths = copy();
    const files = await buildDashboard(paths);
    expect(files).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^app-[A-Z0-9]{8}\.js$/),
        expect.stringMatching(/^style-[A-Z0-9]{8}\.css$/),
        'index.html',
      ]),
    );
    const html = readFileSync(join(paths.dist, 'index.html'), 'utf8');
    for (const file of files.filter((f) => f !== 'index.html')) expect(html).toContain(`/ui/${file}`);
    expect(html).not.toContain('%APP_JS%');
    const bundle = readFileSync(join(paths.dist, files.find((f) => f.endsWith('.js')) ?? ''), 'utf8');
    expect(bundle).toContain('meshward.token');
    expect(bundle).not.toMatch(/from\s*["']cytoscape["']/);
  });

  it('two builds racing on one checkout leave a complete dist whose index names files that exist', async () => {
    const paths = copy();
    await Promise.all([buildDashboard(paths), buildDashboard(paths), buildDashboard(paths)]);
    const html = readFileSync(join(paths.dist, 'index.html'), 'utf8');
    const named = [...html.matchAll(/\/ui\/([\w.-]+)/g)].map((m) => m[1] ?? '');
    expect(named).toHaveLength(2);
    for (const file of named) expect(existsSync(join(paths.dist, file)), file).toBe(true);
    expect(readdirSync(paths.root).filter((name) => name.startsWith('dist-building-'))).toEqual([]);
  });

  it('is stale when missing or older than a source, fresh after a build', async () => {
    const paths = copy();
    expect(dashboardStale(paths)).toBe(true);
    await ensureDashboardBuilt(paths);
    expect(dashboardStale(paths)).toBe(false);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(paths.root, 'src', 'main.ts'), later, later);
    expect(dashboardStale(paths)).toBe(true);
  });

  it('builds once for concurrent first requests', async () => {
    const paths = copy();
    await Promise.all([
      ensureDashboardBuilt(paths),
      ensureDashboardBuilt(paths),
      ensureDashboardBuilt(paths),
    ]);
    expect(readdirSync(paths.dist).filter((f) => f.endsWith('.js'))).toHaveLength(1);
  });

  it('serves a shipped build without sources, and says so when there is neither', async () => {
    const built = copy();
    await buildDashboard(built);
    const shipped = dashboardPaths(tempDir('meshward-dashboard-shipped-'));
    cpSync(built.dist, shipped.dist, { recursive: true });
    await expect(ensureDashboardBuilt(shipped)).resolves.toBeUndefined();
    const empty = dashboardPaths(tempDir('meshward-dashboard-empty-'));
    const error = await ensureDashboardBuilt(empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(existsSync(empty.dist)).toBe(false);
  });
});
