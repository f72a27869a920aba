import { describe, expect, it } from 'vitest';
import { scannerFingerprints, scannerMark } from '#sidecar/threats/text/scanner-fingerprints.ts';

describe('scannerFingerprints', () => {
  it('names where every marker comes from, and every marker is lowercase', () => {
    for (const f of scannerFingerprints) {
      expect(f.source.length).toBeGreaterThan(10);
      const markers = [...(f.userAgent ?? []), ...(f.headers ?? []), ...(f.paths ?? [])];
      expect(markers.length).toBeGreaterThan(0);
      for (const m of markers) expect(m).toBe(m.toLowerCase());
    }
  });

  it('reads the user-agent in any case, a header of its own, a probe path', () => {
    expect(scannerMark('/', [['USER-AGENT', 'SQLMAP/1.7']])?.tool).toBe('sqlmap');
    expect(scannerMark('/', [['acunetix-product', 'WVS']])).toEqual({
      tool: 'Acunetix',
      marker: 'header acunetix-product: WVS',
    });
    expect(scannerMark('/NessusTest123.html', [])?.tool).toBe('Nessus');
    expect(
      scannerMark('/index.html', [['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0']]),
    ).toBeUndefined();
  });
});
