/** Applies the enforcement state with iptables (filter table, our chains only) for IPv4 and IPv6, and removes it all. */
import { existsSync } from 'node:fs';
import type { AllowList } from '#core/allow-list.ts';
import { AppError } from '#core/errors.ts';
import type { CommandRunner } from './command-runner.ts';
import { type Block, type EnforcementState, isOpen, openState } from './enforcement-state.ts';
import { mergeBlocks } from './protect-blocks.ts';
import { allowInChain, allowOutChain } from './render-allow-list.ts';
import {
  type AllowedChannel,
  type IpFamily,
  inputChain,
  ourChains,
  outputChain,
  renderRules,
} from './render-rules.ts';

export type EnforcerOptions = {
  run: CommandRunner;
  channel: AllowedChannel;
  families?: readonly IpFamily[];
  now?: () => number;
  /** Called after every change, so the state can be persisted for a restart. */
  persist?: (state: EnforcementState) => Promise<void>;
};

const tool = (family: IpFamily) => (family === 4 ? 'iptables' : 'ip6tables');
const hooks = [
  ['INPUT', inputChain],
  ['OUTPUT', outputChain],
] as const;

const must = async (run: CommandRunner, argv: string[], input?: string) => {
  const result = await run(argv, input);
  if (result.code !== 0) {
    throw new AppError('unavailable', `${argv.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  }
};

/** Loads our chains (atomically, from one restore script), then adds the jumps first in INPUT/OUTPUT unless present. */
const install = async (run: CommandRunner, family: IpFamily, rules: string) => {
  await must(run, [`${tool(family)}-restore`, '-w', '--noflush'], rules);
  for (const [hook, chain] of hooks) {
    const present = await run([tool(family), '-w', '-t', 'filter', '-C', hook, '-j', chain]);
    if (present.code !== 0)
      await must(run, [tool(family), '-w', '-t', 'filter', '-I', hook, '1', '-j', chain]);
  }
};

/** Removes every jump to our chains and the chains themselves; tolerant, since some may never have existed. */
const uninstall = async (run: CommandRunner, family: IpFamily) => {
  for (const [hook, chain] of hooks) {
    for (let guard = 0; guard < 16; guard++) {
      const removed = await run([tool(family), '-w', '-t', 'filter', '-D', hook, '-j', chain]);
      if (removed.code !== 0) break;
    }
  }
  // Emptied first: MESHWARD-IN/OUT jump to the allow chains, which cannot be deleted while referenced.
  for (const chain of ourChains()) await run([tool(family), '-w', '-t', 'filter', '-F', chain]);
  for (const chain of ourChains()) await run([tool(family), '-w', '-t', 'filter', '-X', chain]);
};

/** Packets the allow chains refused (their last two rules), from `iptables -L -v -x`; 0 where a chain is absent. */
const refusedPackets = async (run: CommandRunner, family: IpFamily): Promise<number> => {
  let total = 0;
  for (const chain of [allowInChain, allowOutChain]) {
    const listed = await run([tool(family), '-w', '-t', 'filter', '-L', chain, '-v', '-x', '-n']);
    if (listed.code !== 0) continue;
    for (const line of listed.stdout.split('\n')) {
      const [packets, , target] = line.trim().split(/\s+/);
      if ((target === 'REJECT' || target === 'DROP') && /^\d+$/.test(packets ?? '')) total += Number(packets);
    }
  }
  return total;
};

export const createEnforcer = (options: EnforcerOptions) => {
  // IPv6 rules only where the namespace has IPv6 at all (ip6tables fails in one without it).
  const families = options.families ?? (existsSync('/proc/net/if_inet6') ? [4, 6] : [4]);
  const now = options.now ?? Date.now;
  let state: EnforcementState = openState;
  // Reloading the chains restarts iptables' counts: what they held is kept here.
  let refusedEarlier = 0;
  const refusedNow = async () => {
    let total = 0;
    for (const family of families) total += await refusedPackets(options.run, family);
    return total;
  };

  const applyNow = async (next: EnforcementState) => {
    if (state.allowList !== undefined) refusedEarlier += await refusedNow();
    state = next;
    for (const family of families) {
      if (isOpen(next)) await uninstall(options.run, family);
      else await install(options.run, family, renderRules(next, options.channel, family, now()));
    }
    await options.persist?.(next);
  };
  // Changes run one at a time, each computed from the state the previous one left (commands and timers interleave).
  let queue: Promise<unknown> = Promise.resolve();
  // After teardown nothing is applied: the last batch's answer may still bring commands while the tap stops.
  let closed = false;
  const update = <T>(change: (current: EnforcementState) => { next?: EnforcementState; result: T }) => {
    const run = queue.then(async () => {
      const { next, result } = change(state);
      if (next !== undefined && !closed) await applyNow(next);
      return result;
    });
    queue = run.catch(() => {});
    return run;
  };

  return {
    apply: (next: EnforcementState) => update(() => ({ next, result: undefined })),
    state: () => state,
    quarantine: (reason: string) =>
      update((current) => ({ next: { ...current, quarantined: true, reason }, result: undefined })),
    /** Ends quarantine and protect mode's allow-list (the control plane re-sends it while the group is in protect). */
    release: () =>
      update((current) => ({ next: { quarantined: false, blocks: current.blocks }, result: undefined })),
    /** Enforces an allow-list, or stops (undefined); re-applies only when the list's hash changes. */
    allow: (list: AllowList | undefined) =>
      update<'applied' | 'unchanged'>((current) => {
        if (list?.hash === current.allowList?.hash) return { result: 'unchanged' };
        const { allowList: _previous, ...rest } = current;
        return { next: list === undefined ? rest : { ...rest, allowList: list }, result: 'applied' };
      }),
    /** New connections the allow-list refused, over this enforcer's life. */
    refused: async (): Promise<number> =>
      refusedEarlier + (state.allowList === undefined ? 0 : await refusedNow()),
    /** Adds blocks (protect mode) and drops expired ones; re-applies only when the rule set changes. */
    block: (added: readonly Block[]) =>
      update((current) => {
        const merged = mergeBlocks(current.blocks, added, now());
        return {
          ...(merged.changed ? { next: { ...current, blocks: merged.blocks } } : {}),
          result: undefined,
        };
      }),
    /** Takes every rule out without forgetting the state (a restarted tap re-applies it). */
    teardown: () => {
      // After any change in flight, so a command applied during shutdown cannot put rules back afterwards.
      closed = true;
      const run = queue.then(async () => {
        for (const family of families) await uninstall(options.run, family);
      });
      queue = run.catch(() => {});
      return run;
    },
  };
};

export type Enforcer = ReturnType<typeof createEnforcer>;
