import { describe, expect, it } from 'vitest';
import { pathTraversal } from '#sidecar/threats/path-traversal.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('path-traversal', () => {
  it.each([
    '/download?file=../../../../etc/passwd',
    '/download?file=..%252f..%252f..%252fetc%252fshadow',
    '/static/..%c0%af..%c0%afwindows/win.ini',
    '/download?file=%uff0e%uff0e%u2215%uff0e%uff0e%u2215boot.ini',
    '/img?f=....//....//....//etc/hosts',
    '/view?page=/proc/self/environ',
  ])('flags %s', (target) => {
    expect(runThreat(pathTraversal, [httpRequest(target)])[0]?.threat).toBe('path-traversal');
  });

  it('flags a traversal in a Redis CONFIG SET argument', () => {
    const event = {
      kind: 'redis-command' as const,
      ts: 1,
      direction: 'to-server' as const,
      command: 'CONFIG',
      args: ['SET', 'dir', '../../../../var/spool/cron'],
    };
    expect(runThreat(pathTraversal, [event])).toHaveLength(1);
  });

  it.each([
    '/admin/install.php',
    '/index.php?page=about',
    '/docs/v1.2/readme.md',
    '/search?q=I+have+an+issue+with+my+password',
    '/a/./b',
  ])('does not flag %s', (target) => {
    expect(runThreat(pathTraversal, [httpRequest(target)])).toEqual([]);
  });
});
