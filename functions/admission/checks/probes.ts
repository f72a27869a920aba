/** Long-running containers must declare the configured probes, so rollouts and restarts are health-driven. */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { containersOf, named } from './containers.ts';

const probeNames = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const params = z
  .object({ require: z.array(z.enum(probeNames)).min(1).default(['livenessProbe', 'readinessProbe']) })
  .strict();

export const probes = definePodCheck({
  id: 'probes',
  summary: 'Containers must declare liveness and readiness probes',
  params,
  evaluate: (view, { require }) =>
    // Jobs run to completion; init and ephemeral containers cannot have these probes.
    view.kind === 'Job' || view.kind === 'CronJob'
      ? []
      : containersOf(view)
          .filter((ref) => ref.path.includes('.containers['))
          .flatMap((ref) =>
            require
              .filter((probe) => ref.container[probe] === undefined || ref.container[probe] === null)
              .map((probe) => ({
                code: 'missing-probe',
                path: `${ref.path}.${probe}`,
                message: `${named(ref)} must declare a ${probe}`,
                value: 'unset',
                allowed: 'an httpGet, tcpSocket, grpc or exec probe',
                fix: `add a ${probe} (e.g. httpGet on the health endpoint)`,
              })),
          ),
});
