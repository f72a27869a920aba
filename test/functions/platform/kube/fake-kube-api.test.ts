import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKubeApi, mergePatch, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';

let fake: FakeKubeApi;
let ca = '';

beforeAll(async () => {
  fake = await startFakeKubeApi();
  const cluster = fake.kubeConfig().getCurrentCluster();
  ca = Buffer.from(cluster?.caData ?? '', 'base64').toString();
});
afterAll(() => fake.stop());

/** A raw request, as kubectl or any client would send it, to check the fake's HTTP semantics. */
const raw = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
  new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = request(
      `${fake.url}${path}`,
      { method, ca, headers: { authorization: `Bearer ${fake.token}`, 'content-type': contentType } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });

describe('the fake Kubernetes API server behaves like the real one for what meshward uses', () => {
  it('answers 415 UnsupportedMediaType to a patch with a plain JSON content type', async () => {
    fake.put('pods', { metadata: { name: 'p', namespace: 'f' } });
    const answer = await raw('PATCH', '/api/v1/namespaces/f/pods/p', { metadata: { labels: { a: 'b' } } });
    expect(answer).toMatchObject({
      status: 415,
      body: { kind: 'Status', reason: 'UnsupportedMediaType', code: 415 },
    });
  });

  it('applies RFC 6902 JSON patches, and answers 422 when a test operation fails', async () => {
    fake.put('pods', { metadata: { name: 'q', namespace: 'f', labels: { app: 'x' } } });
    const path = '/api/v1/namespaces/f/pods/q';
    const failing = [
      { op: 'test', path: '/metadata/labels/app', value: 'y' },
      { op: 'remove', path: '/metadata/labels/app' },
    ];
    expect((await raw('PATCH', path, failing, 'application/json-patch+json')).status).toBe(422);
    const passing = [
      { op: 'test', path: '/metadata/labels/app', value: 'x' },
      { op: 'remove', path: '/metadata/labels/app' },
    ];
    expect((await raw('PATCH', path, passing, 'application/json-patch+json')).status).toBe(200);
    expect(fake.get('pods', 'f', 'q')?.metadata.labels).toEqual({});
  });

  it('answers 409 AlreadyExists on a second create and 404 NotFound on a missing delete, as Status objects', async () => {
    const policy = { metadata: { name: 'np' }, spec: { podSelector: {} } };
    const base = '/apis/networking.k8s.io/v1/namespaces/f/networkpolicies';
    expect((await raw('POST', base, policy)).status).toBe(201);
    expect(await raw('POST', base, policy)).toMatchObject({ status: 409, body: { reason: 'AlreadyExists' } });
    expect((await raw('DELETE', `${base}/np`)).status).toBe(200);
    expect(await raw('DELETE', `${base}/np`)).toMatchObject({ status: 404, body: { reason: 'NotFound' } });
  });

  it('refuses requests without the bearer token', async () => {
    const answer = await new Promise<number>((resolve) => {
      request(`${fake.url}/api/v1/namespaces/f/pods/p`, { ca }, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(answer).toBe(401);
  });

  it('merge patch follows RFC 7386 (its appendix examples)', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});
