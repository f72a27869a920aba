/** Applies the enforcement state with iptables (filter table, our chains only) for IPv4 and IPv6, and removes it all. */
import { existsSync } from 'node:fs';
import { AppError } from '#core/errors.ts';
import type { CommandRunner } from './command-runner.ts';
import { type Block, type EnforcementState, isOpen, openState } from './enforcement-state.ts';
import { mergeBlocks } from './protect-blocks.ts';
import { type AllowedChannel, type IpFamily, inputChain, outputChain, renderRules } from './render-rules.ts';

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
  for (const [, chain] of hooks) {
    await run([tool(family), '-w', '-t', 'filter', '-F', chain]);
    await run([tool(family), '-w', '-t', 'filter', '-X', chain]);
  }
};

export const createEnforcer = (options: EnforcerOptions) => {
  // IPv6 rules only where the namespace has IPv6 at all (ip6tables fails in one without it).
  const families = options.families ?? (existsSync('/proc/net/if_inet6') ? [4, 6] : [4]);
  const now = options.now ?? Date.now;
  let state: EnforcementState = openState;

  const apply = async (next: EnforcementState) => {
    state = next;
    for (const family of families) {
      if (isOpen(next)) await uninstall(options.run, family);
      else await install(options.run, family, renderRules(next, options.channel, family, now()));
    }
    await options.persist?.(next);
  };

  return {
    apply,
    state: () => state,
    quarantine: (reason: string) => apply({ ...state, quarantined: true, reason }),
    release: () => apply({ quarantined: false, blocks: state.blocks }),
    /** Adds blocks (protect mode) and drops expired ones; re-applies only when the rule set changes. */
    block: async (added: readonly Block[]) => {
      const merged = mergeBlocks(state.blocks, added, now());
      if (merged.changed) await apply({ ...state, blocks: merged.blocks });
    },
    /** Takes every rule out without forgetting the state (a restarted tap re-applies it). */
    teardown: async () => {
      for (const family of families) await uninstall(options.run, family);
    },
  };
};

export type Enforcer = ReturnType<typeof createEnforcer>;
