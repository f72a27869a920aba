import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '#functions/platform/store/store.ts';
import { captureViews } from '#functions/respond/api/capture-views.ts';
import type { AuditRecord } from '#functions/respond/store/response-store.ts';

const base = 'https://meshward.example:8443/captures/captures/shop/web-1';

const audited = (id: string, status: string, link?: string): AuditRecord => ({
  id,
  at: `2026-11-26T12:00:0${id.at(-1)}.000Z`,
  actor: 'rule:dns-tunnel',
  action: 'capture',
  target: 'pod:shop/web-1',
  reason: 'dns-tunnel: evil.example',
  status,
  detail: [
    'capture 30s before and 30s after on shop/web-1',
    ...(link === undefined ? ['error: no command signer'] : [`capture: ${link}`]),
  ],
});

/** The tap reports the upload URL without its query: the PUT's signature differs from the GET link's. */
const uploaded = (location: string): FindingRecord => ({
  id: 'b1#0',
  batchId: 'b1',
  namespace: 'shop',
  kind: 'capture',
  at: '2026-11-26T12:01:00.000Z',
  finding: {
    type: 'capture',
    commandId: 'c1',
    location,
    packets: 12,
    bytes: 3456,
    from: '2026-11-26T11:59:30.000Z',
    to: '2026-11-26T12:00:30.000Z',
  },
});

describe('captureViews', () => {
  it('marks a capture uploaded when the tap reported its location, pending otherwise, failed when not sent', () => {
    const audit = [
      audited('a3', 'failed'),
      audited('a2', 'done', `${base}/b.pcap?expires=1&signature=get2`),
      audited('a1', 'done', `${base}/a.pcap?expires=1&signature=get1`),
      { ...audited('a0', 'dry-run', `${base}/z.pcap?x=1`) },
      { ...audited('a9', 'done'), action: 'quarantine-pod' },
    ];
    const views = captureViews(audit, [uploaded(`${base}/a.pcap`)]);
    expect(views.map((view) => [view.id, view.status])).toEqual([
      ['a3', 'failed'],
      ['a2', 'pending'],
      ['a1', 'uploaded'],
    ]);
    expect(views[2]).toEqual({
      id: 'a1',
      at: '2026-11-26T12:00:01.000Z',
      actor: 'rule:dns-tunnel',
      reason: 'dns-tunnel: evil.example',
      pod: 'shop/web-1',
      status: 'uploaded',
      download: `${base}/a.pcap?expires=1&signature=get1`,
      packets: 12,
      bytes: 3456,
      from: '2026-11-26T11:59:30.000Z',
      to: '2026-11-26T12:00:30.000Z',
      detail: ['capture 30s before and 30s after on shop/web-1'],
    });
    expect(views[0]?.detail).toContain('error: no command signer');
    expect(views[0]).not.toHaveProperty('download');
  });

  it('ignores a link or a reported location that is not a URL, and another host with the same path', () => {
    const audit = [audited('a1', 'done', 'not a url'), audited('a2', 'done', `${base}/a.pcap?s=1`)];
    const findings = [
      uploaded('::garbage::'),
      uploaded('https://other.example:8443/captures/captures/shop/web-1/a.pcap'),
    ];
    expect(captureViews(audit, findings).map((view) => view.status)).toEqual(['pending', 'pending']);
  });
});
