/**
 * The fake metadata services enforce the real protocols (statuses, required headers, IMDSv2 sessions), and the AWS
 * SDK's own credential providers get credentials from them: the fake is faithful enough for instance-metadata-real.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMetadataHandler } from '#test/helpers/fake-metadata-server.ts';

const run = promisify(execFile);
const servers: Server[] = [];
const start = async (httpTokens: 'optional' | 'required'): Promise<string> => {
  const server = createServer(fakeMetadataHandler({ httpTokens, role: 'node-role' }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
afterAll(() => {
  for (const server of servers) server.close();
});

const sdk = async (endpoint: string, which: string, env: Record<string, string> = {}) => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/metadata-sdk-clients.ts', which],
    {
      env: {
        ...process.env,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
        POD_IDENTITY_URI: `${endpoint}/v1/credentials`,
        ...env,
      },
    },
  );
  return JSON.parse(stdout) as Record<string, string>;
};

describe('fake metadata services', () => {
  let optional = '';
  let required = '';
  beforeAll(async () => {
    optional = await start('optional');
    required = await start('required');
  });

  it('hands the AWS SDK credentials over IMDSv2 and over EKS Pod Identity', async () => {
    const got = await sdk(required, 'both');
    expect(got.imds).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(got.podIdentity).toMatch(/^ASIA[0-9A-F]{16}$/);
  }, 30_000);

  it('refuses IMDSv1 when tokens are required, and the SDK with IMDSv1 fallback only cannot get credentials', async () => {
    expect((await fetch(`${required}/latest/meta-data/iam/security-credentials/node-role`)).status).toBe(401);
    expect((await fetch(`${optional}/latest/meta-data/iam/security-credentials/node-role`)).status).toBe(200);
  });

  it('enforces IMDSv2 session rules: TTL bounds, methods, proxies, unknown tokens', async () => {
    const token = (headers: Record<string, string>, method = 'PUT') =>
      fetch(`${required}/latest/api/token`, { method, headers }).then((r) => r.status);
    expect(await token({})).toBe(400);
    expect(await token({ 'x-aws-ec2-metadata-token-ttl-seconds': '21601' })).toBe(400);
    expect(await token({ 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' })).toBe(
      403,
    );
    expect(await token({ 'x-aws-ec2-metadata-token-ttl-seconds': '60' }, 'GET')).toBe(405);
    expect(await token({ 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).toBe(200);
    const unknown = await fetch(`${required}/latest/meta-data/`, {
      headers: { 'x-aws-ec2-metadata-token': 'nope' },
    });
    expect(unknown.status).toBe(401);
    expect((await fetch(`${optional}/latest/meta-data/`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${optional}/latest/meta-data/nothing`)).status).toBe(404);
  });

  it('requires GCP and Azure headers, as the real services do', async () => {
    const gcp = `${optional}/computeMetadata/v1/instance/service-accounts/default/token`;
    expect((await fetch(gcp)).status).toBe(403);
    const flavored = await fetch(gcp, { headers: { 'Metadata-Flavor': 'Google' } });
    expect(flavored.status).toBe(200);
    expect(flavored.headers.get('metadata-flavor')).toBe('Google');
    const azure = `${optional}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/`;
    const refused = await fetch(azure);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    });
    expect((await fetch(azure, { headers: { Metadata: 'true' } })).status).toBe(200);
    expect((await fetch(`${optional}/metadata/instance`, { headers: { Metadata: 'true' } })).status).toBe(
      400,
    );
  });

  it('refuses a Pod Identity request without its authorization token', async () => {
    expect((await fetch(`${optional}/v1/credentials`)).status).toBe(400);
  });
});
