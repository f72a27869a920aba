/** Registers the captures route: presigned uploads from taps and presigned downloads from alerts (local object store). */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './captures-handler.ts';

export const capturesFunction: CloudFunction = {
  id: 'captures',
  routes: ['PUT /captures/{key+}', 'GET /captures/{key+}'],
  handler,
};
