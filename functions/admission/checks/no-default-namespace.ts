/** Workloads must not live in the `default` namespace, where everything shares one trust boundary. */
import { z } from 'zod';
import { defineObjectCheck } from './check.ts';
import { asObject, asString } from './fields.ts';

export const noDefaultNamespace = defineObjectCheck({
  id: 'noDefaultNamespace',
  summary: 'Objects must not be created in the default namespace',
  kinds: ['*'],
  params: z.object({}).strict(),
  evaluate: (object, _params, context) => {
    // A manifest without a namespace is applied wherever kubectl points; only a known namespace is judged.
    const namespace = context.namespace ?? asString(asObject(object.metadata).namespace);
    if (namespace !== 'default') return [];
    return [
      {
        code: 'default-namespace',
        path: 'metadata.namespace',
        message: 'object is in the default namespace',
        value: '"default"',
        allowed: 'any namespace but default',
        fix: 'create a namespace for the application and deploy there',
      },
    ];
  },
});
