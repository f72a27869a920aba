import { describe, expect, it } from 'vitest';
import { l7Brief } from '#sidecar/engine/format-findings.ts';

describe('the inspect table L7 column', () => {
  it('shows gRPC methods and the status names of the answers', () => {
    expect(
      l7Brief({ grpc: { methods: ['bank.Accounts/Balance'], statuses: ['UNAUTHENTICATED', 'OK'] } }),
    ).toBe('bank.Accounts/Balance UNAUTHENTICATED,OK');
    expect(l7Brief({ grpc: { statuses: ['UNAVAILABLE'] } })).toBe('UNAVAILABLE');
  });

  it('joins sections and cuts at 72 characters', () => {
    const brief = l7Brief({
      http: {
        methods: ['GET', 'POST'],
        paths: ['/api/v1/users/{id}', '/api/v1/orders/{id}', '/x'],
        statuses: ['2xx'],
      },
      tls: { sni: 'a-rather-long-service-name.payments.svc.cluster.local', version: 'TLS1.3' },
    });
    expect(brief).toHaveLength(72);
    expect(brief.startsWith('GET,POST /api/v1/users/{id},/api/v1/orders/{id},+1 2xx; sni=')).toBe(true);
    expect(brief.endsWith('…')).toBe(true);
    expect(l7Brief(undefined)).toBe('');
  });
});
