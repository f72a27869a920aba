/** Registers the admission webhooks with their routes (plain and behind the secret path segment). */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './handler.ts';

export const admissionFunction: CloudFunction = {
  id: 'admission',
  routes: [
    'POST /admission/mutate',
    'POST /admission/mutate/namespace',
    'POST /admission/validate',
    'POST /admission/validate/namespace',
    'POST /{secret}/admission/mutate',
    'POST /{secret}/admission/mutate/namespace',
    'POST /{secret}/admission/validate',
    'POST /{secret}/admission/validate/namespace',
  ],
  handler,
};
