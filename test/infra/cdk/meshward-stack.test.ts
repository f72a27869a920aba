/** CDK assertions on the synthesised AWS template (bundling skipped here; `npm run synth` and the benchmark bundle for real). */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeshwardStack } from '#infra/cdk/meshward-stack.ts';

let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MeshwardStack(app, 'Meshward', {
    repositoryRoot: join(import.meta.dirname, '..', '..', '..'),
  });
  template = Template.fromStack(stack);
}, 120_000);

const resourcesOf = (type: string) => template.findResources(type);

describe('meshward AWS stack', () => {
  it('has one Node.js 22 ARM64 function per handler, with its trigger', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function')).filter(
      (f: any) => f.Properties.Runtime === 'nodejs22.x',
    );
    expect(functions).toHaveLength(6);
    for (const f of functions) expect((f as any).Properties.Architectures).toEqual(['arm64']);
    template.resourceCountIs('AWS::Lambda::Url', 4);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
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
    expect(alarms.filter((a) => a.Properties.MetricName === 'Errors')).toHaveLength(6);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::Logs::LogGroup', 6);
  });

  it('keeps secrets in Secrets Manager', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 4);
  });

  it('matches the snapshot of its resource list', () => {
    const list = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>)
      .map(([id, r]) => `${r.Type} ${id.replace(/[0-9A-F]{8}$/, '')}`)
      .sort();
    expect(list).toMatchSnapshot();
  });
});
