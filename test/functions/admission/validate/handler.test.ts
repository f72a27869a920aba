/** POST /admission/validate through the Lambda handler: 200 with the verdict, 400 for a malformed review. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import { handler } from '#functions/admission/handler.ts';
import { setConfig } from '#functions/platform/load-config.ts';
import { container, deployment, review } from './review-factory.ts';

const event = (body: string, rawPath = '/admission/validate'): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /admission/validate',
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: rawPath } },
  }) as unknown as APIGatewayProxyEventV2;

describe('admission handler, validate route', () => {
  beforeAll(() => setConfig(parseConfig({})));
  afterAll(() => setConfig(undefined));

  it('denies a privileged Deployment with the default policies', async () => {
    const object = deployment([container('app', { securityContext: { privileged: true } })]);
    const result = await handler(event(JSON.stringify(review(object))));
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(String(result.body)) as {
      response: { uid: string; allowed: boolean; status?: { message: string } };
    };
    expect(body.response.uid).toBe('uid-1');
    expect(body.response.allowed).toBe(false);
    expect(body.response.status?.message).toContain(
      '[psa-privileged/privileged] spec.template.spec.containers[0].securityContext.privileged',
    );
  });

  it('answers 400 naming what is wrong with a malformed AdmissionReview', async () => {
    const result = await handler(
      event(JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' })),
    );
    expect(result.statusCode).toBe(400);
    expect(String(result.body)).toContain('v1beta1 is not supported');
    expect((await handler(event('{not json'))).statusCode).toBe(400);
  });

  it('allows kinds no policy reads', async () => {
    const result = await handler(event(JSON.stringify(review({ kind: 'Lease', metadata: { name: 'l' } }))));
    expect(JSON.parse(String(result.body)).response).toEqual({ uid: 'uid-1', allowed: true });
  });
});
