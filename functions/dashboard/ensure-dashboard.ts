/** Builds the dashboard once per process when its build is missing or older than its sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '#core/errors.ts';
import { buildDashboard } from './build-dashboard.ts';
import type { DashboardPaths } from './dashboard-paths.ts';

/** Newest modification time of the files the build reads, or undefined when the sources are absent. */
const newestSource = (root: string): number | undefined => {
  const src = join(root, 'src');
  if (!existsSync(src)) return undefined;
  const files = [
    join(root, 'index.html'),
    join(root, 'style.css'),
    ...readdirSync(src).map((name) => join(src, name)),
  ];
  return Math.max(...files.filter((file) => existsSync(file)).map((file) => statSync(file).mtimeMs));
};

/** Whether a build is needed: no build yet, or a source newer than the build's index.html. */
export const dashboardStale = (paths: DashboardPaths): boolean => {
  const index = join(paths.dist, 'index.html');
  const sources = newestSource(paths.root);
  if (!existsSync(index)) return true;
  return sources !== undefined && sources > statSync(index).mtimeMs;
};

const builds = new Map<string, Promise<void>>();

export const ensureDashboardBuilt = (paths: DashboardPaths): Promise<void> => {
  const pending = builds.get(paths.dist);
  if (pending !== undefined) return pending;
  const run = (async () => {
    if (!dashboardStale(paths)) return;
    if (newestSource(paths.root) === undefined)
      throw new AppError('unavailable', `dashboard is not built and its sources are not in ${paths.root}`);
    try {
      await buildDashboard(paths);
    } catch (error) {
      builds.delete(paths.dist);
      throw new AppError('unavailable', `dashboard build failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  })();
  builds.set(paths.dist, run);
  return run;
};
