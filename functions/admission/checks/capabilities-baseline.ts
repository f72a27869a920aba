/** PSA baseline `capabilities_baseline`: added capabilities must be in the default set (exact, case-sensitive). */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject, asStrings } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

export const baselineCapabilities: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

const capabilitiesBaseline1_0 = (view: PodView): CheckIssue[] =>
  containersOf(view).flatMap((ref) =>
    asStrings(asObject(ref.securityContext.capabilities).add).flatMap((capability, index) =>
      baselineCapabilities.includes(capability)
        ? []
        : [
            {
              code: 'capability-not-allowed',
              path: `${ref.path}.securityContext.capabilities.add[${index}]`,
              message: `${named(ref)} must not add capability ${JSON.stringify(capability)}`,
              value: JSON.stringify(capability),
              allowed: baselineCapabilities.join(', '),
              fix: `remove ${JSON.stringify(capability)} from securityContext.capabilities.add`,
            },
          ],
    ),
  );

export const capabilitiesBaseline = psaCheck({
  id: 'capabilities_baseline',
  summary: 'Adding capabilities beyond the default set must be disallowed',
  level: 'baseline',
  versions: [[0, capabilitiesBaseline1_0]],
});
