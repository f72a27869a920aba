/** PSA baseline `hostPorts`: no container port may bind a host port. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObjects, showValue } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const hostPorts1_0 = (view: PodView): CheckIssue[] =>
  containersOf(view).flatMap((ref) =>
    asObjects(ref.container.ports).flatMap((port, index) => {
      const hostPort = port.hostPort;
      if (hostPort === undefined || hostPort === null || hostPort === 0) return [];
      return [
        {
          code: 'host-port',
          path: `${ref.path}.ports[${index}].hostPort`,
          message: `${named(ref)} must not use hostPort ${showValue(hostPort)}`,
          value: showValue(hostPort),
          allowed: '0 or unset',
          fix: 'remove hostPort and expose the port with a Service',
        },
      ];
    }),
  );

export const hostPorts = psaCheck({
  id: 'hostPorts',
  summary: 'HostPorts should be disallowed',
  level: 'baseline',
  versions: [[0, hostPorts1_0]],
});
