/** imagePullPolicy must be one of the allowed values, counting the API server's default when it is unset. */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { named } from './containers.ts';
import { asString } from './fields.ts';
import { imagesOf } from './image-refs.ts';

const policies = ['Always', 'IfNotPresent', 'Never'] as const;
const params = z.object({ allowed: z.array(z.enum(policies)).min(1).default(['Always']) }).strict();

export const imagePullPolicy = definePodCheck({
  id: 'imagePullPolicy',
  summary: 'imagePullPolicy must be an allowed value',
  params,
  evaluate: (view, { allowed }) =>
    imagesOf(view).flatMap(({ ref, reference }) => {
      const explicit = asString(ref.container.imagePullPolicy);
      // Kubernetes defaults to Always for :latest or no tag, IfNotPresent otherwise.
      const untagged =
        reference.digest === undefined && (reference.tag === undefined || reference.tag === 'latest');
      const effective = explicit ?? (untagged ? 'Always' : 'IfNotPresent');
      if ((allowed as readonly string[]).includes(effective)) return [];
      return [
        {
          code: 'image-pull-policy',
          path: `${ref.path}.imagePullPolicy`,
          message: `${named(ref)} has imagePullPolicy ${effective}${explicit === undefined ? ' (the default)' : ''}`,
          value: explicit === undefined ? `unset (${effective})` : JSON.stringify(explicit),
          allowed: allowed.join(', '),
          fix: `set imagePullPolicy: ${allowed[0] ?? 'Always'}`,
        },
      ];
    }),
});
