import { describe, expect, it } from 'vitest';
import { meshOf } from '#sidecar/engine/mesh-of.ts';
import { pathTemplate } from '#sidecar/engine/path-template.ts';
import { sqlVerb } from '#sidecar/engine/sql-verb.ts';

describe('pathTemplate', () => {
  const cases: [string, string][] = [
    ['/api/v1/users/42', '/api/v1/users/{id}'],
    ['/api/v1/users/42/orders/7?page=2', '/api/v1/users/{id}/orders/{id}'],
    ['/o/3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c', '/o/{id}'],
    ['/blobs/sha256/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', '/blobs/sha256/{id}'],
    ['/reset/aB3dE5fG7hJ9kL1mN3pQ5rS7', '/reset/{id}'],
    ['/', '/'],
    ['/healthz', '/healthz'],
    ['/v2/catalog-service/items', '/v2/catalog-service/items'],
    ['/static/app.0a1b2c3d.js', '/static/app.0a1b2c3d.js'],
    ['/deadbeefcafe', '/deadbeefcafe'],
    ['/authentication-service-v2', '/authentication-service-v2'],
  ];
  for (const [path, template] of cases)
    it(`${path} → ${template}`, () => expect(pathTemplate(path)).toBe(template));

  it('bounds the number of segments', () => {
    expect(pathTemplate(`/${'a/'.repeat(100)}`).split('/').length).toBeLessThanOrEqual(34);
  });
});

describe('sqlVerb', () => {
  it('takes the first keyword after whitespace, comments and parentheses', () => {
    expect(sqlVerb('select 1')).toBe('SELECT');
    expect(sqlVerb('  -- note\n  /* hint */ (SELECT 1) UNION (SELECT 2)')).toBe('SELECT');
    expect(sqlVerb('INSERT INTO t VALUES (1)')).toBe('INSERT');
    expect(sqlVerb('   ')).toBeUndefined();
    expect(sqlVerb('/* never closed')).toBeUndefined();
  });
});

describe('meshOf', () => {
  it('recognises Istio ALPNs and Linkerd identities, and nothing else', () => {
    expect(meshOf('outbound_.9080_._.reviews', ['istio-peer-exchange', 'istio'])).toBe('istio');
    expect(meshOf(undefined, ['istio-http/1.1'])).toBe('istio');
    expect(meshOf('web.emojivoto.serviceaccount.identity.linkerd.cluster.local', ['h2'])).toBe('linkerd');
    expect(meshOf(undefined, ['transport.l5d.io/v1'])).toBe('linkerd');
    expect(meshOf('example.com', ['h2', 'http/1.1'])).toBeUndefined();
  });
});
