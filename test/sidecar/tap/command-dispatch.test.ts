import { describe, expect, it } from 'vitest';
import type { Command } from '#core/command.ts';
import type { Finding } from '#core/finding.ts';
import type { CommandVerifier } from '#sidecar/commands/verify-command.ts';
import type { CaptureRequest } from '#sidecar/pcap/capture-recorder.ts';
import { createCommandDispatch } from '#sidecar/tap/command-dispatch.ts';

const base = { podUid: 'uid-1', issuedAt: 1000, expiresAt: 1060 };
const commands: Record<string, Command> = {
  q: { ...base, id: 'command-q-1', kind: 'quarantine', reason: 'attack' },
  r: { ...base, id: 'command-r-1', kind: 'release' },
  m: { ...base, id: 'command-m-1', kind: 'set-mode', mode: 'protect' },
  c: {
    ...base,
    id: 'command-c-1',
    kind: 'capture',
    beforeSeconds: 5,
    afterSeconds: 2,
    uploadUrl: 'https://cp/x.pcap',
    flow: { ip: '10.0.0.9', port: 80 },
  },
};
/** A verifier that knows tokens by name: 'bad' is rejected the way the real one rejects a forgery. */
const verify: CommandVerifier = async (token) =>
  commands[token] === undefined
    ? { ok: false, reason: 'command signature is invalid' }
    : { ok: true, command: commands[token] };

const recorder = () => {
  const calls: string[] = [];
  const reported: Finding[][] = [];
  const captures: CaptureRequest[] = [];
  let failRelease = false;
  return {
    calls,
    reported,
    captures,
    failNextRelease: () => {
      failRelease = true;
    },
    targets: {
      quarantine: async (reason: string) => {
        calls.push(`quarantine:${reason}`);
      },
      release: async () => {
        if (failRelease) throw new Error('iptables-restore failed');
        calls.push('release');
      },
      setMode: (mode: string) => calls.push(`mode:${mode}`),
      capture: async (request: CaptureRequest) => {
        captures.push(request);
        return {
          ok: true as const,
          bytes: Buffer.alloc(0),
          finding: {
            type: 'capture' as const,
            commandId: request.commandId,
            location: 'https://cp/x.pcap',
            packets: 3,
            bytes: 100,
            from: '2026-11-26T12:00:00Z',
            to: '2026-11-26T12:00:07Z',
          },
        };
      },
      report: (findings: Finding[]) => reported.push(findings),
    },
  };
};

describe('createCommandDispatch', () => {
  it('runs verified commands in order and rejects the rest with the reason', async () => {
    const fake = recorder();
    const outcomes = await createCommandDispatch(verify, fake.targets)(['q', 'bad', 'm', 'r']);
    expect(outcomes).toEqual([
      { id: 'command-q-1', kind: 'quarantine', ok: true, detail: 'quarantined' },
      { ok: false, detail: 'command signature is invalid' },
      { id: 'command-m-1', kind: 'set-mode', ok: true, detail: 'mode protect' },
      { id: 'command-r-1', kind: 'release', ok: true, detail: 'released' },
    ]);
    expect(fake.calls).toEqual(['quarantine:attack', 'mode:protect', 'release']);
  });

  it('starts a capture without waiting for it and reports its finding when it is done', async () => {
    const fake = recorder();
    const outcomes = await createCommandDispatch(verify, fake.targets)(['c']);
    expect(outcomes[0]).toMatchObject({ ok: true, kind: 'capture' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.captures).toEqual([
      {
        commandId: 'command-c-1',
        beforeSeconds: 5,
        afterSeconds: 2,
        uploadUrl: 'https://cp/x.pcap',
        flow: { ip: '10.0.0.9', port: 80 },
      },
    ]);
    expect(fake.reported[0]?.[0]).toMatchObject({ type: 'capture', commandId: 'command-c-1' });
  });

  it('turns a failing action into a failed outcome and goes on with the next command', async () => {
    const fake = recorder();
    fake.failNextRelease();
    const outcomes = await createCommandDispatch(verify, fake.targets)(['r', 'm']);
    expect(outcomes.map((outcome) => [outcome.ok, outcome.detail])).toEqual([
      [false, 'iptables-restore failed'],
      [true, 'mode protect'],
    ]);
  });
});
