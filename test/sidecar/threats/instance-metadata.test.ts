import { describe, expect, it } from 'vitest';
import type { Header, HttpResponseEvent } from '#sidecar/events.ts';
import { instanceMetadata } from '#sidecar/threats/instance-metadata.ts';
import { metadataRead } from '#sidecar/threats/metadata-services.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const to = (ip: string) => flow({ server: { ip, port: 80 } });
const imds = to('169.254.169.254');
const request = (target: string, headers: Header[] = [], method = 'GET') =>
  httpRequest(target, { headers, method });
const token: Header = ['X-aws-ec2-metadata-token', 'AQAEAN...=='];
const google: Header = ['Metadata-Flavor', 'Google'];
const azure: Header = ['Metadata', 'true'];

const hit = (target: string, headers: Header[] = [], f = imds, method = 'GET') =>
  runThreat(instanceMetadata, [request(target, headers, method)], { flow: f })[0];

describe('instance-metadata: what a request to a metadata service asks for', () => {
  it.each([
    ['/latest/meta-data/iam/security-credentials/', 'node-credentials', "the instance role's name"],
    ['/latest/meta-data/iam/security-credentials/web-role', 'node-credentials', 'role web-role'],
    [
      '/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance',
      'node-credentials',
      'identity',
    ],
    ['/latest/user-data', 'secrets', 'user data'],
    ['/latest/meta-data/placement/region', 'other', 'placement/region'],
    ['/latest/api/token', 'other', 'IMDSv2 session token'],
    [
      '/computeMetadata/v1/instance/service-accounts/default/token',
      'identity-token',
      'service account default',
    ],
    [
      '/computeMetadata/v1/instance/service-accounts/default/identity?audience=x',
      'identity-token',
      'an identity token',
    ],
    ['/computeMetadata/v1/instance/attributes/kube-env', 'secrets', 'kube-env'],
    ['/computeMetadata/v1/instance/?recursive=true', 'secrets', 'whole metadata tree'],
    ['/computeMetadata/v1beta1/instance/attributes/', 'secrets', 'legacy endpoint'],
    ['/computeMetadata/v1/project/project-id', 'other', 'project-id'],
    [
      '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net',
      'identity-token',
      'for https://vault.azure.net',
    ],
    ['/metadata/instance/compute/userData?api-version=2021-01-01', 'secrets', 'user data'],
    ['/metadata/instance?api-version=2021-02-01', 'other', '/metadata/instance'],
    ['/metadata/v1/user-data', 'secrets', "droplet's user data"],
    ['/openstack/latest/user_data', 'secrets', 'user data'],
  ])('%s: %s', (target, kind, what) => {
    const read = metadataRead(request(target, [token, google, azure]), '169.254.169.254');
    expect(read?.kind).toBe(kind);
    expect(read?.what).toContain(what);
  });

  it('tells each provider on the shared address apart by the path', () => {
    const service = (target: string) => metadataRead(request(target), '169.254.169.254')?.service;
    expect(service('/latest/meta-data/')).toBe('AWS instance metadata (IMDS)');
    expect(service('/computeMetadata/v1/')).toBe('GCP metadata server');
    expect(service('/metadata/instance')).toBe('Azure instance metadata (IMDS)');
    expect(service('/openstack/latest/meta_data.json')).toBe('OpenStack metadata');
    expect(metadataRead(request('/latest/meta-data/'), 'fd00:ec2::254')?.service).toBe(
      'AWS instance metadata (IMDS)',
    );
    expect(
      metadataRead(request('/latest/meta-data/ram/security-credentials/r'), '100.100.100.200'),
    ).toMatchObject({
      service: 'Alibaba Cloud metadata',
      kind: 'node-credentials',
    });
  });

  it('reads the per-workload endpoints of ECS and EKS Pod Identity as workload credentials', () => {
    expect(metadataRead(request('/v2/credentials/6a0e...'), '169.254.170.2')?.kind).toBe(
      'workload-credentials',
    );
    expect(metadataRead(request('/v4/abc/task'), '169.254.170.2')?.kind).toBe('other');
    expect(metadataRead(request('/v1/credentials'), '169.254.170.23')?.kind).toBe('workload-credentials');
  });

  it('finds a metadata service named in the Host header or an absolute-form target (through a proxy)', () => {
    const viaProxy = (target: string, host: string) =>
      metadataRead({ ...request(target), headers: [['Host', host], google] }, '10.0.0.3');
    expect(
      viaProxy('/computeMetadata/v1/instance/attributes/kube-env', 'metadata.google.internal')?.kind,
    ).toBe('secrets');
    expect(viaProxy('http://169.254.169.254/latest/user-data', 'proxy:3128')?.kind).toBe('secrets');
    expect(viaProxy('http://[fd00:ec2::254]:80/latest/user-data', 'proxy:3128')?.service).toContain('AWS');
    expect(viaProxy('/latest/meta-data/', 'instance-data.ec2.internal:80')?.service).toContain('AWS');
  });

  it('leaves every other server and name alone', () => {
    expect(metadataRead(request('/latest/meta-data/iam/security-credentials/x'), '10.0.0.9')).toBeUndefined();
    expect(metadataRead(request('/computeMetadata/v1/'), '169.254.169.253')).toBeUndefined();
    const named = (host: string) => metadataRead({ ...request('/'), headers: [['Host', host]] }, '10.0.0.9');
    expect(named('metadata.example.com')).toBeUndefined();
    expect(named('shop.example')).toBeUndefined();
  });
});

describe('instance-metadata: findings', () => {
  it('reports the node role credentials read with IMDSv1 at the detector severity, with advice', () => {
    const found = hit('/latest/meta-data/iam/security-credentials/web-role');
    expect(found).toMatchObject({ threat: 'instance-metadata', severity: 'high', confidence: 0.9 });
    expect(found?.evidence).toBe(
      "asked AWS instance metadata (IMDS) at 169.254.169.254 for the instance role's credentials (role web-role), with IMDSv1 (no session token): a pod must not hold its node role (block IMDS from pods, or a hop limit of 1)",
    );
  });

  it('says nothing of IMDSv1 when the request carries a session token', () => {
    expect(hit('/latest/meta-data/iam/security-credentials/web-role', [token])?.evidence).not.toContain(
      'IMDSv1',
    );
  });

  it('reports identity tokens at the tokens severity, and at the detector severity when the server would refuse them', () => {
    const target = '/computeMetadata/v1/instance/service-accounts/default/token';
    expect(hit(target, [google])).toMatchObject({ severity: 'medium', confidence: 0.6 });
    const forged = hit(target);
    expect(forged).toMatchObject({ severity: 'high', confidence: 0.9 });
    expect(forged?.evidence).toContain('no Metadata-Flavor: Google header');
    const azureToken =
      '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/';
    expect(hit(azureToken, [azure])?.severity).toBe('medium');
    expect(hit(azureToken)?.evidence).toContain('no Metadata: true header');
  });

  it('reports other reads at the otherReads severity, and per-pod credential endpoints there too', () => {
    expect(hit('/latest/meta-data/placement/region', [token])).toMatchObject({
      severity: 'low',
      confidence: 0.3,
    });
    expect(hit('/v1/credentials', [['Authorization', 'x']], to('169.254.170.23'))).toMatchObject({
      severity: 'low',
      confidence: 0.4,
    });
  });

  it('switches tokens and other reads off, keeps credentials on, and lets allowed clients read', () => {
    const run = (target: string, config: Record<string, unknown>, headers: Header[] = [google]) =>
      runThreat(instanceMetadata, [request(target, headers)], { flow: imds, config });
    expect(run('/computeMetadata/v1/instance/service-accounts/default/token', { tokens: 'off' })).toEqual([]);
    expect(run('/computeMetadata/v1/project/project-id', { otherReads: 'off' })).toEqual([]);
    expect(
      run('/computeMetadata/v1/instance/attributes/kube-env', { tokens: 'off', otherReads: 'off' }),
    ).toHaveLength(1);
    expect(run('/computeMetadata/v1/instance/attributes/kube-env', { allowClients: ['10.0.0.5'] })).toEqual(
      [],
    );
  });

  it('reads only requests, and only to metadata services', () => {
    const response = { ...request('/latest/user-data'), direction: 'to-client' as const };
    expect(runThreat(instanceMetadata, [response], { flow: imds })).toEqual([]);
    expect(hit('/latest/user-data', [], flow())).toBeUndefined();
  });

  it('rejects a policy that names a severity that does not exist', () => {
    expect(() => instanceMetadata.config.parse({ tokens: 'loud' })).toThrow();
    expect(() => instanceMetadata.config.parse({ otherReads: 'off', tokens: 'critical' })).not.toThrow();
  });

  it('reads the answers in order: credentials, a token or user data handed over make the finding surer', () => {
    const answer = (status: number, body: string): HttpResponseEvent => ({
      kind: 'http-response',
      ts: 1_001,
      direction: 'to-client',
      version: '1.1',
      status,
      headers: [],
      body: new TextEncoder().encode(body),
      bodyTruncated: false,
    });
    const credentials = '{"Code":"Success","AccessKeyId":"ASIAABCDEFGHIJKLMNOP","SecretAccessKey":"s3cr3t"}';
    const hits = runThreat(
      instanceMetadata,
      [
        request('/latest/api/token', [], 'PUT'),
        request('/latest/meta-data/iam/security-credentials/web-role', [token]),
        answer(200, 'AQAEAN-session-token'),
        answer(200, credentials),
      ],
      { flow: imds },
    );
    expect(hits.map((h) => [h.severity, h.confidence])).toEqual([
      ['low', 0.3],
      ['high', 0.9],
      ['high', 1],
    ]);
    expect(hits[2]?.evidence).toContain('; it answered with temporary credentials (ASIA…)');
    expect(JSON.stringify(hits)).not.toContain('s3cr3t');
    expect(JSON.stringify(hits)).not.toContain('ABCDEFGH');
  });

  it('says nothing more of a refused or unanswered read, nor of answers on other connections', () => {
    const refusedAnswer: HttpResponseEvent = {
      kind: 'http-response',
      ts: 1_001,
      direction: 'to-client',
      version: '1.1',
      status: 401,
      headers: [],
      body: new Uint8Array(0),
      bodyTruncated: false,
    };
    const target = '/latest/meta-data/iam/security-credentials/web-role';
    expect(runThreat(instanceMetadata, [request(target), refusedAnswer], { flow: imds })).toHaveLength(1);
    expect(runThreat(instanceMetadata, [request(target)], { flow: imds })).toHaveLength(1);
    const elsewhere = {
      ...refusedAnswer,
      status: 200,
      body: new TextEncoder().encode('{"AccessKeyId":"ASIAX"}'),
    };
    expect(runThreat(instanceMetadata, [elsewhere], { flow: flow() })).toEqual([]);
  });
});
