import { describe, expect, it } from 'vitest';
import { heartbeatFindingSchema } from '#core/finding.ts';
import { heartbeatFinding } from '#sidecar/report/heartbeat.ts';

describe('heartbeatFinding', () => {
  it('carries the identity the control plane resolves the workload from, and the tap state', () => {
    const finding = heartbeatFinding(
      {
        namespace: 'shop',
        name: 'cart-7d9f8c6b5-x2k9p',
        uid: 'u',
        ips: ['10.0.0.7', 'fd00::7'],
        serviceAccount: 'cart',
        labels: { app: 'cart' },
        annotations: { 'meshward.io/commands': 'secret.ish.token' },
        owner: { kind: 'ReplicaSet', name: 'cart-7d9f8c6b5' },
      },
      { mode: 'protect', quarantined: true, counters: { packets_total: 5 } },
      Date.UTC(2026, 10, 26, 12),
    );
    expect(heartbeatFindingSchema.parse(finding)).toEqual({
      type: 'heartbeat',
      ips: ['10.0.0.7', 'fd00::7'],
      serviceAccount: 'cart',
      labels: { app: 'cart' },
      owner: { kind: 'ReplicaSet', name: 'cart-7d9f8c6b5' },
      hostNetwork: false,
      mode: 'protect',
      quarantined: true,
      counters: { packets_total: 5 },
      at: '2026-11-26T12:00:00.000Z',
    });
  });
});
