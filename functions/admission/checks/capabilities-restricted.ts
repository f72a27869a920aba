/** PSA restricted `capabilities_restricted`: drop ALL, add at most NET_BIND_SERVICE (Windows pods exempt from v1.25). */
import type { CheckIssue } from './check.ts';
import { type ContainerRef, containersOf, named } from './containers.ts';
import { asObject, asStrings } from './fields.ts';
import { isWindowsPod } from './pod-os.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const containerIssues = (ref: ContainerRef): CheckIssue[] => {
  const capabilities = asObject(ref.securityContext.capabilities);
  const base = `${ref.path}.securityContext.capabilities`;
  const issues: CheckIssue[] = [];
  const drop = asStrings(capabilities.drop);
  if (!drop.includes('ALL')) {
    issues.push({
      code: 'capabilities-drop-all',
      path: `${base}.drop`,
      message: `${named(ref)} must set securityContext.capabilities.drop=["ALL"]`,
      value: JSON.stringify(drop),
      allowed: '["ALL"]',
      fix: 'add "ALL" to securityContext.capabilities.drop',
    });
  }
  asStrings(capabilities.add).forEach((capability, index) => {
    if (capability === 'NET_BIND_SERVICE') return;
    issues.push({
      code: 'capability-not-allowed',
      path: `${base}.add[${index}]`,
      message: `${named(ref)} must not add capability ${JSON.stringify(capability)}`,
      value: JSON.stringify(capability),
      allowed: 'NET_BIND_SERVICE',
      fix: `remove ${JSON.stringify(capability)} from securityContext.capabilities.add`,
    });
  });
  return issues;
};

const capabilitiesRestricted1_22 = (view: PodView): CheckIssue[] =>
  containersOf(view).flatMap(containerIssues);

const capabilitiesRestricted1_25 = (view: PodView): CheckIssue[] =>
  isWindowsPod(view) ? [] : capabilitiesRestricted1_22(view);

export const capabilitiesRestricted = psaCheck({
  id: 'capabilities_restricted',
  summary: 'Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE',
  level: 'restricted',
  overrides: ['capabilities_baseline'],
  versions: [
    [22, capabilitiesRestricted1_22],
    [25, capabilitiesRestricted1_25],
  ],
});
