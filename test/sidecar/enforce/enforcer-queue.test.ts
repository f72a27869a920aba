/** The enforcer's ordering: changes apply one at a time from the latest state, and nothing applies after teardown. */
import { describe, expect, it } from 'vitest';
import type { AllowList } from '#core/allow-list.ts';
import type { CommandRunner } from '#sidecar/enforce/command-runner.ts';
import { createEnforcer } from '#sidecar/enforce/enforcer.ts';

const list: AllowList = {
  group: 'shop/cart',
  hash: 'd'.repeat(64),
  inbound: { enforce: true, entries: [] },
  outbound: { enforce: false, reason: 'x' },
};

/** Records iptables calls; each takes a moment, so overlapping changes would interleave if not queued. */
const slowRunner = () => {
  const calls: string[] = [];
  const run: CommandRunner = async (argv) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    calls.push(argv.join(' '));
    return { code: argv.includes('-C') ? 1 : 0, stdout: '', stderr: '' };
  };
  return { calls, run };
};

describe('createEnforcer ordering', () => {
  it('concurrent quarantine and allow-list both end up in the state, in call order', async () => {
    const runner = slowRunner();
    const enforcer = createEnforcer({
      run: runner.run,
      families: [4],
      channel: { controlPlaneIps: [], controlPlanePort: 443 },
    });
    await Promise.all([
      enforcer.quarantine('attack'),
      enforcer.allow(list),
      enforcer.block([{ ip: '10.0.0.9', peer: 'client' }]),
    ]);
    expect(enforcer.state()).toMatchObject({
      quarantined: true,
      allowList: { hash: list.hash },
      blocks: [{ ip: '10.0.0.9' }],
    });
    expect(runner.calls.filter((call) => call.startsWith('iptables-restore'))).toHaveLength(3);
  });

  it('after teardown a late command changes nothing in iptables', async () => {
    const runner = slowRunner();
    const enforcer = createEnforcer({
      run: runner.run,
      families: [4],
      channel: { controlPlaneIps: [], controlPlanePort: 443 },
    });
    await enforcer.allow(list);
    await enforcer.teardown();
    const calls = runner.calls.length;
    await enforcer.allow({ ...list, hash: 'e'.repeat(64) });
    await enforcer.quarantine('late');
    expect(runner.calls).toHaveLength(calls);
  });
});
