/** Registers the REST API under its routes. */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './handler.ts';
import { apiRoutes } from './run.ts';

export const apiFunction: CloudFunction = {
  id: 'api',
  routes: apiRoutes.map((route) => route.route),
  handler,
};
