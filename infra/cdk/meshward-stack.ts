/** The AWS stack: one Lambda per handler, SQS with DLQs, DynamoDB, S3 for captures, secrets, alarms. */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MeshwardFunction } from './meshward-function.ts';

export type MeshwardStackProps = StackProps & { repositoryRoot: string; captureRetentionDays?: number };

const queueWithDlq = (scope: Construct, id: string) => {
  const deadLetterQueue = new Queue(scope, `${id}Dlq`, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new Queue(scope, id, {
    visibilityTimeout: Duration.seconds(60),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
  });
  new Alarm(scope, `${id}DlqDepth`, {
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: `messages in the ${id} dead-letter queue`,
  });
  return queue;
};

export class MeshwardStack extends Stack {
  constructor(scope: Construct, id: string, props: MeshwardStackProps) {
    super(scope, id, props);
    const table = new Table(this, 'Store', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const captures = new Bucket(this, 'Captures', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [{ expiration: Duration.days(props.captureRetentionDays ?? 30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const slackToken = new Secret(this, 'SlackBotToken', { description: 'Slack bot token (xoxb-...)' });
    const slackSigning = new Secret(this, 'SlackSigningSecret', { description: 'Slack signing secret' });
    const commandKey = new Secret(this, 'CommandSigningKey', {
      description: 'Private JWK that signs commands to taps',
    });
    const webhookPath = new Secret(this, 'WebhookPathSecret', {
      description: 'Secret URL path segment of the admission webhooks',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    const learnQueue = queueWithDlq(this, 'LearnQueue');
    const respondQueue = queueWithDlq(this, 'RespondQueue');
    const env = {
      MESHWARD_STORE: 'dynamodb',
      MESHWARD_TABLE: table.tableName,
      MESHWARD_BUS: 'sqs',
      MESHWARD_LEARN_QUEUE_URL: learnQueue.queueUrl,
      MESHWARD_RESPOND_QUEUE_URL: respondQueue.queueUrl,
      MESHWARD_CAPTURE_BUCKET: captures.bucketName,
    };
    const fn = (
      id: string,
      entry: string,
      extra: Partial<ConstructorParameters<typeof MeshwardFunction>[2]> = {},
    ) =>
      new MeshwardFunction(this, id, {
        entry,
        repositoryRoot: props.repositoryRoot,
        environment: env,
        ...extra,
      });

    // The API server cannot sign requests: the webhooks' URLs have no IAM auth; the secret path
    // segment and a concurrency cap protect them, and they get no data-plane permissions at all.
    // Secrets reach functions as CloudFormation dynamic references resolved at deploy time, so no
    // function needs the AWS SDK (or its cold start) to read them; see docs/deploy-aws.md.
    const admission = fn('Admission', 'functions/admission/handler.ts', {
      environment: { MESHWARD_WEBHOOK_PATH_SECRET: webhookPath.secretValue.unsafeUnwrap() },
      reservedConcurrentExecutions: 50,
      memorySize: 1024,
      timeout: Duration.seconds(5),
      external: ['@kubernetes/client-node', '@slack/web-api'],
    });
    admission.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const ingest = fn('Ingest', 'functions/ingest/handler.ts', { reservedConcurrentExecutions: 200 });
    table.grantReadWriteData(ingest.fn);
    learnQueue.grantSendMessages(ingest.fn);
    respondQueue.grantSendMessages(ingest.fn);
    ingest.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const api = fn('Api', 'functions/api/handler.ts');
    table.grantReadWriteData(api.fn);
    captures.grantRead(api.fn);
    api.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const slack = fn('Slack', 'functions/slack/handler.ts', {
      environment: { ...env, MESHWARD_SLACK_SIGNING_SECRET_ARN: slackSigning.secretArn },
    });
    slackSigning.grantRead(slack.fn);
    table.grantReadData(slack.fn);
    respondQueue.grantSendMessages(slack.fn);
    slack.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const learn = fn('Learn', 'functions/learn/handler.ts', { timeout: Duration.seconds(30) });
    table.grantReadWriteData(learn.fn);
    respondQueue.grantSendMessages(learn.fn);
    learn.fn.addEventSource(new SqsEventSource(learnQueue, { batchSize: 10, reportBatchItemFailures: true }));

    const respond = fn('Respond', 'functions/respond/handler.ts', {
      timeout: Duration.seconds(30),
      environment: {
        ...env,
        MESHWARD_SLACK_TOKEN_ARN: slackToken.secretArn,
        MESHWARD_COMMAND_KEY_ARN: commandKey.secretArn,
      },
    });
    table.grantReadWriteData(respond.fn);
    captures.grantPut(respond.fn);
    respond.fn.addEventSource(
      new SqsEventSource(respondQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}
