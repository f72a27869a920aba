/** The tap's enforcer: iptables through the injected runner, state persisted and re-applied on start. */
import type { CommandRunner } from '../enforce/command-runner.ts';
import { loadEnforcementState, saveEnforcementState } from '../enforce/enforcement-state.ts';
import { createEnforcer, type Enforcer } from '../enforce/enforcer.ts';
import { readNameservers } from '../enforce/resolv-conf.ts';
import type { TapContext } from './tap-context.ts';

export const tapEnforcer = async (shared: TapContext, run: CommandRunner): Promise<Enforcer | undefined> => {
  const { config, cp, log, metrics } = shared;
  if (!config.enforce) return undefined;
  const enforcer = createEnforcer({
    run,
    channel: {
      controlPlaneIps: cp.ips,
      controlPlanePort: cp.port,
      metricsPort: config.metricsPort,
      ...(config.hostIp === undefined ? {} : { hostIps: [config.hostIp] }),
      dnsServers: readNameservers(),
    },
    persist: async (state) => {
      metrics.set('meshward_tap_quarantined', state.quarantined ? 1 : 0);
      await saveEnforcementState(config.statePath, state);
    },
  });
  const previous = await loadEnforcementState(config.statePath);
  try {
    await enforcer.apply(previous);
    if (previous.quarantined) log('warn', 're-applied quarantine after restart', { reason: previous.reason });
    if (previous.allowList !== undefined)
      log('warn', 're-applied the protect-mode allow-list after restart', { hash: previous.allowList.hash });
  } catch (error) {
    log('error', 'cannot apply enforcement state', { error: String(error) });
  }
  return enforcer;
};
