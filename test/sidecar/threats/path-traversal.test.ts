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
      seq: 0,
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

describe('path traversal in multipart uploads and compressed bodies', () => {
  it('flags an uploaded file whose name climbs out of the upload directory', () => {
    const body = [
      '--b',
      'Content-Disposition: form-data; name="avatar"; filename="../../../etc/cron.d/evil"',
      'Content-Type: text/plain',
      '',
      '* * * * * root id',
      '--b--',
    ].join('\r\n');
    const event = httpRequest('/upload', {
      headers: [['Content-Type', 'multipart/form-data; boundary=b']],
      body,
    });
    expect(runThreat(pathTraversal, [event])[0]?.evidence).toContain(
      'multipart avatar filename: ../../../etc/cron.d/evil',
    );
  });

  it('flags a traversal inside a deflate-compressed JSON body', async () => {
    const { deflateSync } = await import('node:zlib');
    const base = httpRequest('/files', {
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'deflate'],
      ],
      body: 'x',
    });
    const event = { ...base, body: new Uint8Array(deflateSync('{"path":"../../../../etc/shadow"}')) };
    expect(runThreat(pathTraversal, [event])[0]?.evidence).toContain('json $.path');
  });
});
