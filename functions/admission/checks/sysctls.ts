/** PSA baseline `sysctls`: only the namespaced "safe" sysctls of the pinned version. */
import type { CheckIssue } from './check.ts';
import { asObject, asObjects, asString } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const safe1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const safe1_27 = [...safe1_0, 'net.ipv4.ip_local_reserved_ports'];
const safe1_29 = [
  ...safe1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const safe1_32 = [...safe1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
/** kubernetes/kubernetes#138389 (merged April 2026, Kubernetes v1.37). */
const safe1_37 = [...safe1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

const sysctlsWith =
  (safe: readonly string[]) =>
  (view: PodView): CheckIssue[] =>
    asObjects(asObject(view.spec.securityContext).sysctls).flatMap((sysctl, index) => {
      const name = asString(sysctl.name) ?? '';
      if (safe.includes(name)) return [];
      return [
        {
          code: 'unsafe-sysctl',
          path: `${view.specPath}.securityContext.sysctls[${index}].name`,
          message: `pod must not set sysctl ${JSON.stringify(name)}`,
          value: JSON.stringify(name),
          allowed: safe.join(', '),
          fix: `remove ${JSON.stringify(name)}, or set it on the node instead`,
        },
      ];
    });

export const sysctls = psaCheck({
  id: 'sysctls',
  summary: 'Sysctls outside the safe, namespaced set must be disallowed',
  level: 'baseline',
  versions: [
    [0, sysctlsWith(safe1_0)],
    [27, sysctlsWith(safe1_27)],
    [29, sysctlsWith(safe1_29)],
    [32, sysctlsWith(safe1_32)],
    [37, sysctlsWith(safe1_37)],
  ],
});
