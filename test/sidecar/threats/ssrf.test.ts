import { describe, expect, it } from 'vitest';
import { ssrf } from '#sidecar/threats/ssrf.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('ssrf', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://2852039166/latest/',
    'http://0xa9fea9fe/',
    'http://0251.0376.0251.0376/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://user@169.254.169.254:80/',
    'http://169.254.170.2/v2/credentials',
  ])('flags a fetch of %s', (url) => {
    expect(runThreat(ssrf, [httpRequest(`/fetch?url=${encodeURIComponent(url)}`)])[0]?.threat).toBe('ssrf');
  });

  it.each(['https://example.com/a.png', 'http://10.0.0.1/', 'version 1.2.3.4', 'http://169.254.1.1/'])(
    'does not flag %s',
    (url) => {
      expect(runThreat(ssrf, [httpRequest(`/fetch?url=${encodeURIComponent(url)}`)])).toEqual([]);
    },
  );

  it('ignores the Host header: a pod calling its metadata service is not SSRF', () => {
    const event = httpRequest('/latest/meta-data/');
    const withHost = { ...event, headers: [['Host', '169.254.169.254'] as const] };
    expect(runThreat(ssrf, [withHost])).toEqual([]);
  });
});
