import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { asrepRoasting } from '#sidecar/threats/asrep-roasting.ts';
import { episodeSummary, flow, runThreat } from './threat-factories.ts';

const kdc = flow({ protocol: 'kerberos', server: { ip: '10.0.0.53', port: 88 } });
const asRep = (ts: number, user: string, preauth: boolean): OperationEvent => ({
  kind: 'operation',
  ts,
  direction: 'to-client',
  protocol: 'kerberos',
  operation: 'AS-REP',
  detail: `client=${user}@SHOP.TEST${preauth ? '' : ' without-preauth'}`,
});

describe('asrep-roasting', () => {
  it('reports one client getting AS-REPs without pre-authentication for several accounts', () => {
    const users = ['svc-backup', 'svc-print', 'legacy-app', 'kiosk'];
    const events = users.map((u, i) => asRep(1_000 + i * 500, u, false));
    const found = runThreat(asrepRoasting, events, { flow: kdc });
    expect(episodeSummary(found)).toEqual({ reports: 2, pairs: 1, total: 4 });
    expect(found[0]?.evidence).toBe(
      'AS-REPs without pre-authentication for 3 accounts within 600000 ms (svc-backup@SHOP.TEST, svc-print@SHOP.TEST, legacy-app@SHOP.TEST): each crackable offline',
    );
  });

  it('leaves alone logins with pre-authentication, and one account without it logging in again and again', () => {
    const quiet = [
      ...['a', 'b', 'c', 'd'].map((u, i) => asRep(i, u, true)),
      ...Array.from({ length: 10 }, (_, i) => asRep(100 + i, 'svc-backup', false)),
    ];
    expect(runThreat(asrepRoasting, quiet, { flow: kdc })).toEqual([]);
  });
});
