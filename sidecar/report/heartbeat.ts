/** The heartbeat finding: registers the pod, its IPs, owner and labels, and carries the tap's counters. */
import type { HeartbeatFinding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import type { PodIdentity } from '../identity/pod-identity.ts';

export type HeartbeatState = { mode: Mode; quarantined: boolean; counters: Record<string, number> };

export const heartbeatFinding = (
  identity: PodIdentity,
  state: HeartbeatState,
  at: number,
): HeartbeatFinding => ({
  type: 'heartbeat',
  ips: identity.ips.slice(0, 16),
  ...(identity.serviceAccount === undefined ? {} : { serviceAccount: identity.serviceAccount }),
  labels: identity.labels,
  ...(identity.owner === undefined ? {} : { owner: identity.owner }),
  hostNetwork: false,
  mode: state.mode,
  quarantined: state.quarantined,
  counters: state.counters,
  at: new Date(at).toISOString(),
});
