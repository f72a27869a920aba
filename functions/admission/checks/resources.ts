/** Containers must declare the configured resource requests and limits. */
import { z } from 'zod';
import { type CheckIssue, definePodCheck } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject } from './fields.ts';

const params = z
  .object({
    requests: z.array(z.string().min(1)).default(['cpu', 'memory']),
    limits: z.array(z.string().min(1)).default(['memory']),
  })
  .strict();

const suggestions: Record<string, string> = { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '1Gi' };

export const resources = definePodCheck({
  id: 'resources',
  summary: 'Containers must declare resource requests and limits',
  params,
  evaluate: (view, wanted) =>
    // Ephemeral containers may not set resources, so they are not held to this.
    containersOf(view)
      .filter((ref) => !ref.path.includes('.ephemeralContainers['))
      .flatMap((ref) => {
        const declared = asObject(ref.container.resources);
        return (['requests', 'limits'] as const).flatMap((kind): CheckIssue[] =>
          wanted[kind]
            .filter((resource) => asObject(declared[kind])[resource] === undefined)
            .map((resource) => ({
              code: `missing-${kind === 'requests' ? 'request' : 'limit'}`,
              path: `${ref.path}.resources.${kind}.${resource}`,
              message: `${named(ref)} must set resources.${kind}.${resource}`,
              value: 'unset',
              allowed: 'a quantity',
              fix: `set resources.${kind}.${resource} (e.g. ${suggestions[resource] ?? '1'})`,
            })),
        );
      }),
});
