/** CDK assertions on the synthesised AWS template (bundling skipped here; `npm run synth` and the benchmark bundle for real). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudFunctions } from '#functions/index.ts';
import { storeTable } from '#functions/platform/store/dynamodb-table.ts';
import { MeshwardStack } from '#infra/cdk/meshward-stack.ts';

let template: Template;

const functionNamed = (id: string): any =>
  Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([key, f]: [string, any]) => key.startsWith(id) && f.Properties.Runtime === 'nodejs22.x',
  )?.[1];

beforeAll(() => {
  // Synthesis writes into the app's outdir (a new temporary cdk.out* when none is given); the template is read by then.
  const outdir = mkdtempSync(join(tmpdir(), 'meshward-cdk-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MeshwardStack(app, 'Meshward', {
      repositoryRoot: join(import.meta.dirname, '..', '..', '..'),
    });
    template = Template.fromStack(stack);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);

const resourcesOf = (type: string) => template.findResources(type);

describe('meshward AWS stack', () => {
  it('has one Node.js 22 ARM64 function per handler, with its trigger', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function')).filter(
      (f: any) => f.Properties.Runtime === 'nodejs22.x',
    );
    expect(functions).toHaveLength(9);
    for (const f of functions) expect((f as any).Properties.Architectures).toEqual(['arm64']);
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('caps the unauthenticated admission function and gives it no data-plane access', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 50, Timeout: 5 });
    const policies = Object.entries(resourcesOf('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('Admission'),
    );
    const actions = policies.flatMap(([, p]: any) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()),
    );
    expect(actions.every((a: string) => a.startsWith('secretsmanager:'))).toBe(true);
  });

  it('passes the trusted proxies and their header to the injector as deploy-time parameters, empty by default', () => {
    template.hasParameter('TapTrustedProxies', { Type: 'String', Default: '' });
    template.hasParameter('TapForwardedHeader', {
      Default: '',
      AllowedValues: ['', 'x-forwarded-for', 'forwarded', 'x-real-ip'],
    });
    const admission = functionNamed('Admission');
    expect(admission.Properties.Environment.Variables).toMatchObject({
      MESHWARD_TAP_TRUSTED_PROXIES: { Ref: 'TapTrustedProxies' },
      MESHWARD_TAP_FORWARDED_HEADER: { Ref: 'TapForwardedHeader' },
    });
  });

  it('uses no wildcard actions on data resources', () => {
    for (const [id, policy] of Object.entries(resourcesOf('AWS::IAM::Policy')) as [string, any][]) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        for (const action of [statement.Action].flat()) {
          expect(action, `${id}: ${action}`).not.toMatch(/^(\*|dynamodb:\*|s3:\*|sqs:\*|secretsmanager:\*)$/);
        }
      }
    }
  });

  it('encrypts and locks down storage, with recovery and expiry', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
  });

  it('gives both queues a dead-letter queue and an alarm on its depth; every function has an error alarm and log retention', () => {
    const queues = Object.values(resourcesOf('AWS::SQS::Queue')) as any[];
    expect(queues.filter((q) => q.Properties.RedrivePolicy !== undefined)).toHaveLength(2);
    const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')) as any[];
    expect(
      alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible'),
    ).toHaveLength(2);
    expect(alarms.filter((a) => a.Properties.MetricName === 'Errors')).toHaveLength(9);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::Logs::LogGroup', 9);
  });

  it('keeps secrets in Secrets Manager and hands them over as dynamic references, not ARNs read at run time', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 5);
    const respond = functionNamed('Respond');
    for (const name of [
      'MESHWARD_SLACK_BOT_TOKEN',
      'MESHWARD_SLACK_SIGNING_SECRET',
      'MESHWARD_COMMAND_KEY',
    ]) {
      expect(JSON.stringify(respond.Properties.Environment.Variables[name]), name).toContain(
        '{{resolve:secretsmanager:',
      );
    }
    expect(JSON.stringify(template.toJSON())).not.toMatch(/_ARN"/);
  });

  it('runs every data function on the AWS runtime with the table, queues, bucket and issuer settings', () => {
    for (const id of ['Ingest', 'Api', 'Slack', 'Learn', 'Respond', 'Keys', 'Schedule']) {
      const vars = functionNamed(id).Properties.Environment.Variables;
      expect(vars.MESHWARD_STORE, id).toBe('dynamodb');
      for (const name of [
        'MESHWARD_TABLE',
        'MESHWARD_LEARN_QUEUE_URL',
        'MESHWARD_RESPOND_QUEUE_URL',
        'MESHWARD_CAPTURE_BUCKET',
        'MESHWARD_POD_TOKEN_ISSUER',
        'MESHWARD_JWKS_URL',
        'MESHWARD_API_JWKS',
      ]) {
        expect(vars[name], `${id} ${name}`).toBeDefined();
      }
    }
    const admission = functionNamed('Admission').Properties.Environment.Variables;
    expect(admission.MESHWARD_STORE).toBeUndefined();
    expect(admission.MESHWARD_POLICY_DIR).toBe('/var/task/policies/admission');
    expect(functionNamed('Respond').Properties.Environment.Variables.MESHWARD_RESPONSE_RULES).toBe(
      '/var/task/policies/response',
    );
    expect(functionNamed('Dashboard').Properties.Environment.Variables.MESHWARD_DASHBOARD_DIR).toBe(
      '/var/task/dashboard',
    );
  });

  it('declares the table the DynamoDB adapters use: keys, every GSI, TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: storeTable.partitionKey, KeyType: 'HASH' },
        { AttributeName: storeTable.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: storeTable.globalSecondaryIndexes.map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ),
    });
  });

  it('routes every HTTP function through one HTTP API, built from the cloud-function registry', () => {
    const routes = Object.values(resourcesOf('AWS::ApiGatewayV2::Route')).map(
      (r: any) => r.Properties.RouteKey as string,
    );
    const expected = cloudFunctions
      .filter((f) => !['admission', 'captures'].includes(f.id))
      .flatMap((f) => f.routes);
    expect(routes.sort()).toEqual([...expected].sort());
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  });

  it('matches the snapshot of its resource list', () => {
    const list = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>)
      .map(([id, r]) => `${r.Type} ${id.replace(/[0-9A-F]{8}$/, '')}`)
      .sort();
    expect(list).toMatchSnapshot();
  });
});
