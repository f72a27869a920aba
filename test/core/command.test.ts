/** Commands: lifetimes are bounded and every kind parses with its own fields. */
import { describe, expect, it } from 'vitest';
import { commandSchema, maxCommandLifetimeSeconds } from '#core/command.ts';

const base = { id: 'cmd-00000001', podUid: 'pod-uid-1', issuedAt: 1_700_000_000, expiresAt: 1_700_000_060 };

describe('command schema', () => {
  it('accepts each kind', () => {
    expect(commandSchema.parse({ ...base, kind: 'quarantine', reason: 'dns tunnel' }).kind).toBe(
      'quarantine',
    );
    expect(commandSchema.parse({ ...base, kind: 'release' }).kind).toBe('release');
    expect(commandSchema.parse({ ...base, kind: 'set-mode', mode: 'protect' })).toMatchObject({
      mode: 'protect',
    });
    const capture = commandSchema.parse({
      ...base,
      kind: 'capture',
      uploadUrl: 'https://cp.local/captures/1',
    });
    expect(capture).toMatchObject({ beforeSeconds: 30, afterSeconds: 30 });
  });

  it('rejects commands that live too long or expire before they are issued', () => {
    const tooLong = { ...base, kind: 'release', expiresAt: base.issuedAt + maxCommandLifetimeSeconds + 1 };
    expect(commandSchema.safeParse(tooLong).success).toBe(false);
    expect(commandSchema.safeParse({ ...base, kind: 'release', expiresAt: base.issuedAt }).success).toBe(
      false,
    );
    expect(commandSchema.safeParse({ ...base, kind: 'set-mode', mode: 'yolo' }).success).toBe(false);
  });
});
