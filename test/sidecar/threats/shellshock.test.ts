import { describe, expect, it } from 'vitest';
import { shellshock } from '#sidecar/threats/shellshock.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('shellshock', () => {
  it.each([
    '() { :; }; /bin/cat /etc/passwd',
    '() { _; } >_[$($())] { echo vulnerable; id; }',
    '(%00) { :; }; echo vulnerable',
  ])('flags %j in User-Agent', (payload) => {
    expect(
      runThreat(shellshock, [httpRequest('/cgi-bin/x', { headers: [['User-Agent', payload]] })])[0]?.severity,
    ).toBe('critical');
  });

  it.each(['foo%0d%0a() { :; }just a test', 'f() { return 1; }', '() { :; }', 'Mozilla/5.0 (X11; Linux)'])(
    'does not flag %j',
    (value) => {
      expect(runThreat(shellshock, [httpRequest('/', { headers: [['User-Agent', value]] })])).toEqual([]);
    },
  );
});
