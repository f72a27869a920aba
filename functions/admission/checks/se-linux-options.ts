/** PSA baseline `seLinuxOptions`: only container SELinux types; user and role must not be set. */
import type { CheckIssue } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObject, asString } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const types1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const types1_31 = [...types1_0, 'container_engine_t'];

const optionIssues = (
  options: unknown,
  path: string,
  who: string,
  types: readonly string[],
): CheckIssue[] => {
  if (options === undefined || options === null) return [];
  const opts = asObject(options);
  const issues: CheckIssue[] = [];
  const type = asString(opts.type) ?? '';
  const base = `${path}.securityContext.seLinuxOptions`;
  if (!types.includes(type)) {
    issues.push({
      code: 'selinux-type',
      path: `${base}.type`,
      message: `${who} must not set seLinuxOptions.type to ${JSON.stringify(type)}`,
      value: JSON.stringify(type),
      allowed: types.filter((t) => t !== '').join(', '),
      fix: 'remove seLinuxOptions.type or use container_t',
    });
  }
  for (const field of ['user', 'role'] as const) {
    const value = asString(opts[field]) ?? '';
    if (value === '') continue;
    issues.push({
      code: `selinux-${field}`,
      path: `${base}.${field}`,
      message: `${who} must not set seLinuxOptions.${field}`,
      value: JSON.stringify(value),
      allowed: 'unset',
      fix: `remove seLinuxOptions.${field}`,
    });
  }
  return issues;
};

const seLinuxOptionsWith =
  (types: readonly string[]) =>
  (view: PodView): CheckIssue[] => [
    ...optionIssues(asObject(view.spec.securityContext).seLinuxOptions, view.specPath, 'pod', types),
    ...containersOf(view).flatMap((ref) =>
      optionIssues(ref.securityContext.seLinuxOptions, ref.path, named(ref), types),
    ),
  ];

export const seLinuxOptions = psaCheck({
  id: 'seLinuxOptions',
  summary: 'Setting a custom SELinux user or role, or an unusual type, must be forbidden',
  level: 'baseline',
  versions: [
    [0, seLinuxOptionsWith(types1_0)],
    [31, seLinuxOptionsWith(types1_31)],
  ],
});
