import { describe, expect, it } from 'vitest';
import { commandsAnnotation, isTapSilent, withCommand } from '#functions/respond/command-annotation.ts';
import { annotationCommands } from '#sidecar/commands/annotation-commands.ts';

/** An unsigned compact JWS with only `exp`: the list logic reads expiry, the tap verifies signatures. */
const token = (name: string, exp: number) =>
  `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp, name })).toString('base64url')}.c2ln`;

describe('withCommand', () => {
  it('appends to the live tokens, prunes expired and unreadable ones, and the tap reads the result', () => {
    const live = token('live', 2000);
    const expired = token('old', 900);
    const current = JSON.stringify([expired, live, 'not-a-token']);
    const next = withCommand(current, token('new', 2100), 1000);
    expect(JSON.parse(next)).toEqual([live, token('new', 2100)]);
    expect(annotationCommands({ [commandsAnnotation]: next })).toEqual([live, token('new', 2100)]);
  });

  it('keeps at most `max` tokens, dropping the oldest, and never lists a token twice', () => {
    let value: string | undefined;
    for (let i = 0; i < 5; i++) value = withCommand(value, token(`t${i}`, 2000), 1000, 3);
    value = withCommand(value, token('t4', 2000), 1000, 3);
    expect(JSON.parse(value ?? '')).toEqual([token('t2', 2000), token('t3', 2000), token('t4', 2000)]);
  });

  it('reads a whitespace-separated value as the tap does, and starts over from a damaged one', () => {
    const a = token('a', 2000);
    expect(JSON.parse(withCommand(`${a}\n`, token('b', 2000), 1000))).toEqual([a, token('b', 2000)]);
    expect(JSON.parse(withCommand('[not json', token('b', 2000), 1000))).toEqual([token('b', 2000)]);
  });
});

describe('isTapSilent', () => {
  it('is silent after 90 s without a report, or when the tap never reported', () => {
    const now = '2026-11-26T12:00:00.000Z';
    expect(isTapSilent('2026-11-26T11:59:00.000Z', now)).toBe(false);
    expect(isTapSilent('2026-11-26T11:58:29.000Z', now)).toBe(true);
    expect(isTapSilent(undefined, now)).toBe(true);
  });
});
