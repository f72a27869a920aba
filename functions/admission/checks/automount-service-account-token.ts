/** Pods must opt out of mounting the service-account token unless they talk to the Kubernetes API. */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { showValue } from './fields.ts';

export const automountServiceAccountToken = definePodCheck({
  id: 'automountServiceAccountToken',
  summary: 'Pods must not automount a service-account token they do not need',
  params: z.object({}).strict(),
  evaluate: (view) =>
    view.spec.automountServiceAccountToken === false
      ? []
      : [
          {
            code: 'automount-token',
            path: `${view.specPath}.automountServiceAccountToken`,
            message: 'pod mounts a service-account token by default',
            value: showValue(view.spec.automountServiceAccountToken),
            allowed: 'false',
            fix: 'set automountServiceAccountToken: false (or mount a projected token where one is needed)',
          },
        ],
});
