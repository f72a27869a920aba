/** Where the dashboard's sources live and where its build goes (git-ignored `dashboard/dist/`). */
import { join } from 'node:path';

export type DashboardPaths = { root: string; dist: string };

export const dashboardPaths = (
  root = process.env.MESHWARD_DASHBOARD_DIR ?? join(import.meta.dirname, '..', '..', 'dashboard'),
): DashboardPaths => ({ root, dist: join(root, 'dist') });
