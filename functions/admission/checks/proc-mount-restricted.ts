/** PSA restricted `procMount_restricted` (v1.35+): Default /proc mask even in a user namespace. */
import { procMountIssues } from './proc-mount-issues.ts';
import { psaCheck } from './psa-check.ts';

export const procMountRestricted = psaCheck({
  id: 'procMount_restricted',
  summary: 'The default /proc masks must not be disabled, even in a user namespace',
  level: 'restricted',
  overrides: ['procMount'],
  versions: [[35, procMountIssues]],
});
