/** Registers the dashboard: the single-page app at `/` and its bundles under `/ui/`. */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './handler.ts';

export const dashboardFunction: CloudFunction = {
  id: 'dashboard',
  routes: ['GET /', 'GET /ui/{proxy+}'],
  handler,
};
