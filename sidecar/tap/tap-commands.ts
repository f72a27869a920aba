/** The tap's command handling: verification with the configured keys, then quarantine, release, mode, capture, allow-list. */
import { type AllowList, allowRuleCount } from '#core/allow-list.ts';
import type { Finding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import { createReplayCache } from '../commands/replay-cache.ts';
import { createCommandVerifier } from '../commands/verify-command.ts';
import type { Enforcer } from '../enforce/enforcer.ts';
import type { PodIdentity } from '../identity/pod-identity.ts';
import type { createCaptureRecorder } from '../pcap/capture-recorder.ts';
import { createCommandDispatch } from './command-dispatch.ts';
import { commandKeys } from './command-keys.ts';
import type { TapContext } from './tap-context.ts';

const summary = (list: AllowList) => ({
  group: list.group,
  hash: list.hash.slice(0, 12),
  inbound: list.inbound.enforce ? `${allowRuleCount(list.inbound)} rules` : `open (${list.inbound.reason})`,
  outbound: list.outbound.enforce
    ? `${allowRuleCount(list.outbound)} rules`
    : `open (${list.outbound.reason})`,
});

export const tapCommands = (
  shared: TapContext,
  state: { identity: PodIdentity; mode: Mode },
  targets: {
    enforcer: Enforcer | undefined;
    recorder: ReturnType<typeof createCaptureRecorder>;
    report: (f: Finding[]) => void;
  },
) => {
  const { log, metrics } = shared;
  const keys = commandKeys(shared.config, shared.ca);
  if (keys === undefined)
    log('warn', 'no command keys configured (MESHWARD_COMMAND_JWKS*): every command will be rejected');
  const verify =
    keys === undefined
      ? async () => ({ ok: false as const, reason: 'no command keys configured' })
      : createCommandVerifier({ keys, podUid: () => state.identity.uid, replay: createReplayCache() });
  const unavailable = async () => {
    throw new Error('enforcement is disabled (MESHWARD_ENFORCE=false)');
  };
  const dispatch = createCommandDispatch(verify, {
    quarantine: (reason) => targets.enforcer?.quarantine(reason) ?? unavailable(),
    release: () => targets.enforcer?.release() ?? unavailable(),
    setMode: async (mode) => {
      state.mode = mode;
      // Leaving protect mode takes its allow-list out; attack cuts lapse on their own.
      if (mode !== 'protect') await targets.enforcer?.allow(undefined);
    },
    allowList: async (list) => {
      if (targets.enforcer === undefined) return unavailable();
      if (state.mode !== 'protect') throw new Error(`ignored: the tap is in ${state.mode} mode, not protect`);
      const done = await targets.enforcer.allow(list);
      if (done === 'applied') log('warn', 'protect mode: allow-list enforced', summary(list));
      return done;
    },
    capture: async (request) => {
      const outcome = await targets.recorder.record(request);
      if (outcome.ok) metrics.add('meshward_tap_captures_total');
      else log('warn', 'capture failed', { commandId: outcome.commandId, reason: outcome.reason });
      return outcome;
    },
    report: targets.report,
  });
  return async (tokens: readonly string[]) => {
    const outcomes = await dispatch(tokens);
    for (const outcome of outcomes) {
      metrics.add(
        outcome.ok ? 'meshward_tap_commands_accepted_total' : 'meshward_tap_commands_rejected_total',
      );
      log(outcome.ok ? 'info' : 'warn', outcome.ok ? 'command executed' : 'command rejected', outcome);
    }
    return outcomes;
  };
};
