/** The tap's protect-mode command handling: signed set-mode and allow-list commands drive a real enforcer. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AllowList } from '#core/allow-list.ts';
import type { Command } from '#core/command.ts';
import type { Mode } from '#core/mode.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import type { CommandRunner } from '#sidecar/enforce/command-runner.ts';
import { createEnforcer } from '#sidecar/enforce/enforcer.ts';
import type { PodIdentity } from '#sidecar/identity/pod-identity.ts';
import { createCaptureRecorder } from '#sidecar/pcap/capture-recorder.ts';
import { createPacketRing } from '#sidecar/pcap/packet-ring.ts';
import { tapCommands } from '#sidecar/tap/tap-commands.ts';
import { createTapContext } from '#sidecar/tap/tap-context.ts';

const podUid = randomUUID();
const list = (hash: string): AllowList => ({
  group: 'shop/cart',
  hash: hash.repeat(64),
  inbound: { enforce: true, entries: [{ transport: 'tcp', port: 7070, cidrs: ['10.0.0.10/32'] }] },
  outbound: { enforce: false, reason: 'a rule names api.stripe.com' },
});

/** Records every iptables invocation; `-C` (is the jump there?) answers "no", everything else succeeds. */
const recordingRunner = () => {
  const calls: string[] = [];
  const run: CommandRunner = async (argv, input) => {
    calls.push([...argv, input ?? ''].join(' '));
    return { code: argv.includes('-C') ? 1 : 0, stdout: '', stderr: '' };
  };
  return { calls, run };
};

const setup = async () => {
  const signer = await createCommandSigner(await generateCommandKey('ES256'));
  const ctx = await createTapContext(
    {
      MESHWARD_CONTROL_PLANE_URL: 'https://10.96.0.20:8443',
      MESHWARD_TOKEN_PATH: '/nonexistent/token',
      MESHWARD_COMMAND_JWKS: JSON.stringify(signer.jwks),
    },
    () => {},
  );
  const runner = recordingRunner();
  const enforcer = createEnforcer({
    run: runner.run,
    families: [4],
    channel: { controlPlaneIps: ctx.cp.ips, controlPlanePort: ctx.cp.port },
  });
  const state = { identity: { uid: podUid } as PodIdentity, mode: 'discover' as Mode };
  const ring = createPacketRing({ maxBytes: 1024, maxSeconds: 1 });
  const handle = tapCommands(ctx, state, {
    enforcer,
    recorder: createCaptureRecorder({ ring, upload: async () => ({ ok: true, location: 'x' }) as never }),
    report: () => {},
  });
  const send = async (fields: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const command = { id: randomUUID(), podUid, issuedAt: now, expiresAt: now + 60, ...fields } as Command;
    const [outcome] = await handle([await signer.sign(command)]);
    return outcome;
  };
  return { send, state, enforcer, runner };
};

describe('tapCommands in protect mode', () => {
  it('enforces a verified allow-list only in protect mode, once per hash, and drops it when leaving protect', async () => {
    const { send, state, enforcer, runner } = await setup();
    expect(await send({ kind: 'allow-list', allowList: list('a') })).toMatchObject({
      ok: false,
      detail: 'ignored: the tap is in discover mode, not protect',
    });
    expect(runner.calls).toEqual([]);

    expect(await send({ kind: 'set-mode', mode: 'protect' })).toMatchObject({ ok: true });
    expect(await send({ kind: 'allow-list', allowList: list('a') })).toMatchObject({
      ok: true,
      detail: `allow-list ${'a'.repeat(12)} applied`,
    });
    expect(enforcer.state().allowList?.hash).toBe('a'.repeat(64));
    const restore = runner.calls.find((call) => call.startsWith('iptables-restore'));
    expect(restore).toContain('-A MESHWARD-IN -j MESHWARD-ALLOW-IN');
    expect(restore).toContain(
      '-A MESHWARD-ALLOW-IN -s 10.0.0.10/32 -p tcp -m conntrack --ctorigdstport 7070',
    );

    const before = runner.calls.length;
    expect(await send({ kind: 'allow-list', allowList: list('a') })).toMatchObject({
      ok: true,
      detail: /unchanged$/,
    });
    expect(runner.calls.filter((call) => call.startsWith('iptables-restore'))).toHaveLength(1);
    expect(runner.calls.length).toBeGreaterThanOrEqual(before);

    expect(await send({ kind: 'set-mode', mode: 'monitor' })).toMatchObject({ ok: true });
    expect(state.mode).toBe('monitor');
    expect(enforcer.state().allowList).toBeUndefined();
    expect(runner.calls).toContain('iptables -w -t filter -X MESHWARD-ALLOW-IN ');
  });
});
