/**
 * A faithful local fake of the cloud instance metadata services a pod can reach (the real ones run only inside a
 * cloud), enforcing each one's documented protocol:
 * - AWS IMDS: IMDSv2 sessions (`PUT /latest/api/token` with a TTL of 1 to 21,600 s; 400 without one, 403 when
 *   `X-Forwarded-For` is present, 405 for any other method), tokens checked on every GET (401 when unknown or
 *   expired), IMDSv1 answered or refused (401) by `httpTokens`, 405 for methods other than GET, 404 for unknown paths;
 * - GCP metadata server: `Metadata-Flavor: Google` required (403 without), 403 with `X-Forwarded-For`, the header sent
 *   back on every answer;
 * - Azure IMDS: `Metadata: true` and `api-version` required (400 with Azure's JSON error), 400 with `X-Forwarded-For`;
 * - the EKS Pod Identity agent (`/v1/credentials` with an `Authorization` token, 400 without), on any address here.
 * Credentials handed out are made up here.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FakeMetadataOptions = {
  /** `required`: IMDSv2 only, as an instance launched with HttpTokens=required; `optional` also answers IMDSv1. */
  httpTokens: 'optional' | 'required';
  role: string;
  now?: () => number;
};

type Reply = { status: number; type: string; body: string; headers?: Record<string, string> };

const text = (status: number, body: string, headers?: Record<string, string>): Reply => ({
  status,
  type: 'text/plain',
  body,
  ...(headers === undefined ? {} : { headers }),
});
const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  type: 'application/json',
  body: JSON.stringify(value),
  ...(headers === undefined ? {} : { headers }),
});

const secret = () => randomBytes(20).toString('base64');
const expiry = (now: number) => new Date(now + 6 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

export const fakeMetadataHandler = (options: FakeMetadataOptions) => {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, number>();
  const credentials = () => ({
    Code: 'Success',
    LastUpdated: expiry(now() - 6 * 3_600_000),
    Type: 'AWS-HMAC',
    AccessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    SecretAccessKey: secret(),
    Token: secret(),
    Expiration: expiry(now()),
  });
  const aws: Record<string, () => Reply> = {
    '/latest/meta-data/': () => text(200, 'ami-id\ninstance-id\niam/\nplacement/'),
    '/latest/meta-data/instance-id': () => text(200, 'i-0a1b2c3d4e5f67890'),
    '/latest/meta-data/placement/region': () => text(200, 'eu-west-1'),
    '/latest/meta-data/iam/security-credentials/': () => text(200, options.role),
    [`/latest/meta-data/iam/security-credentials/${options.role}`]: () => json(200, credentials()),
    '/latest/user-data': () =>
      text(200, '#!/bin/bash\n/etc/eks/bootstrap.sh prod --kubelet-extra-args "--node-labels=a"\n'),
  };

  /** `PUT /latest/api/token`: an IMDSv2 session. */
  const session = (req: IncomingMessage): Reply => {
    if (req.method !== 'PUT') return text(405, 'Method Not Allowed');
    if (req.headers['x-forwarded-for'] !== undefined) return text(403, 'Forbidden');
    const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return text(400, 'Bad Request');
    const token = randomBytes(32).toString('base64');
    sessions.set(token, now() + ttl * 1000);
    return text(200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
  };

  /** Why a metadata GET is refused (a method, an unknown or expired session, IMDSv1 where tokens are required). */
  const refusal = (req: IncomingMessage): Reply | undefined => {
    if (req.method !== 'GET') return text(405, 'Method Not Allowed');
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token === 'string')
      return (sessions.get(token) ?? 0) < now() ? text(401, 'Unauthorized') : undefined;
    return options.httpTokens === 'required' ? text(401, 'Unauthorized') : undefined;
  };

  const imds = (req: IncomingMessage, path: string): Reply => {
    if (path === '/latest/api/token') return session(req);
    const refused = refusal(req);
    if (refused !== undefined) return refused;
    const answer = aws[path];
    return answer === undefined ? text(404, 'Not Found') : answer();
  };

  const gcp = (req: IncomingMessage, path: string): Reply => {
    const flavor = { 'metadata-flavor': 'Google' };
    if (req.headers['x-forwarded-for'] !== undefined || req.headers['metadata-flavor'] !== 'Google')
      return text(403, 'Missing required header: "Metadata-Flavor"', flavor);
    if (path === '/computeMetadata/v1/instance/service-accounts/default/token')
      return json(200, { access_token: `ya29.${secret()}`, expires_in: 3599, token_type: 'Bearer' }, flavor);
    if (path === '/computeMetadata/v1/instance/attributes/kube-env')
      return text(200, 'KUBELET_CERT: LS0t...\nKUBELET_KEY: LS0t...\n', flavor);
    if (path === '/computeMetadata/v1/project/project-id') return text(200, 'shop-prod', flavor);
    return text(404, 'Not Found', flavor);
  };

  const azure = (req: IncomingMessage, path: string, query: URLSearchParams): Reply => {
    const error = (description: string) =>
      json(400, { error: 'invalid_request', error_description: description });
    if (req.headers['x-forwarded-for'] !== undefined) return error('Request not allowed through a proxy');
    if (req.headers.metadata !== 'true') return error('Required metadata header not specified');
    if (!query.has('api-version')) return error("Required query variable 'api-version' is missing");
    if (path === '/metadata/identity/oauth2/token')
      return json(200, {
        access_token: `eyJ0eXAiOiJKV1Qi.${secret()}`,
        expires_in: '3599',
        resource: query.get('resource') ?? '',
        token_type: 'Bearer',
      });
    if (path === '/metadata/instance')
      return json(200, { compute: { location: 'westeurope', vmSize: 'D4s_v5' } });
    return json(404, { error: 'Not found' });
  };

  const podIdentity = (req: IncomingMessage, path: string): Reply => {
    if (path !== '/v1/credentials') return text(404, 'Not Found');
    if (typeof req.headers.authorization !== 'string' || req.headers.authorization === '')
      return json(400, { Message: 'Authorization header is missing' });
    const { AccessKeyId, SecretAccessKey, Token, Expiration } = credentials();
    return json(200, { AccessKeyId, SecretAccessKey, Token, AccountId: '111122223333', Expiration });
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    const reply = url.pathname.startsWith('/v1/')
      ? podIdentity(req, url.pathname)
      : url.pathname.startsWith('/computeMetadata/')
        ? gcp(req, url.pathname)
        : url.pathname.startsWith('/metadata/')
          ? azure(req, url.pathname, url.searchParams)
          : imds(req, url.pathname);
    req.resume();
    res.writeHead(reply.status, { 'content-type': reply.type, server: 'EC2ws', ...reply.headers });
    res.end(reply.body);
  };
};
