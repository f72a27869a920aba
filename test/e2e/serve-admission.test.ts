/** End to end: `meshward serve` as a real process, AdmissionReviews posted over verified HTTPS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyResponse, loadReview } from '#test/helpers/admission-fixtures.ts';
import { httpsRequest, type ServeProcess, startServe } from '#test/helpers/serve-process.ts';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'mutate', `${name}.json`), 'utf8');
const secret = 'k8Jq2vN9xW4mZ7rT5yB3';

describe('meshward serve: mutating webhook over HTTPS', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe({ MESHWARD_WEBHOOK_PATH_SECRET: '' });
  });
  afterAll(async () => {
    await serve.stop();
  });

  it('answers health checks over TLS signed by its own CA', async () => {
    const result = await httpsRequest(serve.port, serve.ca, 'GET', '/healthz');
    expect(result).toMatchObject({ status: 200 });
    expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
  });

  it('injects the tap into an opted-in pod, echoing the uid', async () => {
    const result = await httpsRequest(serve.port, serve.ca, 'POST', '/admission/mutate', fixture('bare-pod'));
    expect(result.status).toBe(200);
    const review = JSON.parse(result.body);
    expect(review.response.uid).toBe(loadReview('bare-pod').request.uid);
    const pod = applyResponse(loadReview('bare-pod'), review.response);
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['meshward-tap']);
  });

  it('treats the namespace route as opt-in', async () => {
    const plain = JSON.parse(
      (await httpsRequest(serve.port, serve.ca, 'POST', '/admission/mutate', fixture('deployment-pod'))).body,
    );
    expect(plain.response.patch).toBeUndefined();
    const ns = await httpsRequest(
      serve.port,
      serve.ca,
      'POST',
      '/admission/mutate/namespace',
      fixture('deployment-pod'),
    );
    expect(JSON.parse(ns.body).response.patchType).toBe('JSONPatch');
  });

  it('rejects bad bodies with 400 and a message naming the problem', async () => {
    const notJson = await httpsRequest(serve.port, serve.ca, 'POST', '/admission/mutate', '{oops');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).message).toMatch(/not valid JSON/);
    const v1beta1 = await httpsRequest(
      serve.port,
      serve.ca,
      'POST',
      '/admission/mutate',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }),
    );
    expect(v1beta1.status).toBe(400);
    expect(JSON.parse(v1beta1.body).message).toMatch(/apiVersion must be admission.k8s.io\/v1/);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await httpsRequest(serve.port, serve.ca, 'GET', '/nope')).status).toBe(404);
    expect((await httpsRequest(serve.port, serve.ca, 'GET', '/admission/mutate')).status).toBe(405);
  });
});

describe('meshward serve: secret webhook path', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe({ MESHWARD_WEBHOOK_PATH_SECRET: secret });
  });
  afterAll(async () => {
    await serve.stop();
  });

  it('serves the webhook only behind the secret segment; anything else is a bare 404', async () => {
    const good = await httpsRequest(
      serve.port,
      serve.ca,
      'POST',
      `/${secret}/admission/mutate`,
      fixture('bare-pod'),
    );
    expect(JSON.parse(good.body).response.patchType).toBe('JSONPatch');
    for (const path of ['/admission/mutate', `/${secret.slice(0, -1)}x/admission/mutate`]) {
      const bad = await httpsRequest(serve.port, serve.ca, 'POST', path, fixture('bare-pod'));
      expect(bad.status, path).toBe(404);
      expect(bad.body).not.toMatch(/secret/);
    }
    expect(serve.output()).not.toContain(secret);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const code = await serve.stop();
    expect(code).toBe(0);
    expect(serve.output()).toMatch(/"message":"stopped"/);
  });
});
