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

  // Each of these used to end the search: only the first 8 candidate addresses of a window were judged.
  const decoys = [
    ...Array.from({ length: 12 }, (_, i) => `https://cdn${i}.example.com/img/${i}.png`),
    ...Array.from({ length: 12 }, (_, i) => `1.${i} 10.0.0.${i} 169.254.1.${i} 0x64.1.2.${i} 2024.${i}`),
  ].join(' ');

  it.each([
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://metadata.google.internal/computeMetadata/v1/',
    '0251.0376.0251.0376',
    '0xa9.254.169.254',
    '2852039166',
  ])('flags %s after many harmless URLs and numbers in the same value (ADR 30)', (target) => {
    const value = `${decoys} ${target}`;
    expect(value.length).toBeLessThan(2048); // one window: the decoys are not padding past a window
    const hits = runThreat(ssrf, [httpRequest(`/fetch?urls=${encodeURIComponent(value)}`)]);
    expect(hits.map((h) => h.threat)).toEqual(['ssrf']);
  });

  it('does not flag a value of many harmless URLs, versions and addresses, 169.254.x.x and 100.x.x.x among them', () => {
    const value = `${decoys} ${decoys} http://169.254.170.20/ 100.100.100.201 http://[::ffff:a9fe:a9ff]/`;
    expect(runThreat(ssrf, [httpRequest(`/fetch?urls=${encodeURIComponent(value)}`)])).toEqual([]);
  });

  it('ignores the Host header: a pod calling its metadata service is not SSRF', () => {
    const event = httpRequest('/latest/meta-data/');
    const withHost = { ...event, headers: [['Host', '169.254.169.254'] as const] };
    expect(runThreat(ssrf, [withHost])).toEqual([]);
  });
});
