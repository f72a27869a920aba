import { describe, expect, it } from 'vitest';
import { around, callbackMatcher } from '#sidecar/threats/text/callback-domains.ts';

const match = callbackMatcher(['oast.pro', '*.burpcollaborator.net', 'interact.sh'], ['webhook.site']);

describe('callbackMatcher', () => {
  it('finds a listed domain as a host suffix at a label boundary, any case, with its tier', () => {
    expect(match('http://cu8n2v.OAST.pro/x')).toEqual({ domain: 'oast.pro', tier: 'callback', at: 14 });
    expect(match('$' + '{jndi:ldap://a.b.burpcollaborator.net/a}')?.domain).toBe('burpcollaborator.net');
    expect(match('interact.sh')?.at).toBe(0);
    expect(match('curl https://webhook.site/abc')?.tier).toBe('shared');
    expect(match('x.oast.pro.')?.domain).toBe('oast.pro');
  });

  it('leaves look-alikes alone, and finds a real one after a look-alike in the same text', () => {
    for (const text of [
      'boast.pro',
      'oast.pro.example.com',
      'oast.project',
      'interact.shop',
      'my-interact.sh',
      'nowebhook.site',
    ])
      expect(match(text)).toBeUndefined();
    expect(match('boast.pro then x.oast.pro')?.at).toBe(17);
  });

  it('matches nothing with empty lists', () => {
    expect(callbackMatcher([], [])('x.oast.pro')).toBeUndefined();
  });

  it('shows the text around a match', () => {
    expect(around(`${'a'.repeat(100)}x.oast.pro${'b'.repeat(100)}`, 100, 20)).toBe(
      `…${'a'.repeat(10)}x.oast.pro…`,
    );
    expect(around('x.oast.pro', 0)).toBe('x.oast.pro');
  });
});
