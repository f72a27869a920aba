/** The AWS stack: one Lambda per handler, an HTTP API for their routes, SQS with DLQs, DynamoDB, S3 for captures, secrets, alarms. */
import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, type HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { forwardingHeaderSchema } from '#core/finding.ts';
import { storeTable } from '#functions/platform/store/dynamodb-table.ts';
import { httpRoutes } from './http-routes.ts';
import { MeshwardFunction, type MeshwardFunctionProps, taskPath } from './meshward-function.ts';
import { slackParameters } from './slack-parameters.ts';

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

/** The single table both stores share, with the keys, GSIs and TTL attribute the adapters declare. */
const storeTableOf = (scope: Construct) => {
  const table = new Table(scope, 'Store', {
    partitionKey: { name: storeTable.partitionKey, type: AttributeType.STRING },
    sortKey: { name: storeTable.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: storeTable.timeToLiveAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of storeTable.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    });
  }
  return table;
};

/** Deploy-time settings: the cluster's service-account issuer, the API token keys, the tap image. */
const parametersOf = (scope: Construct) => ({
  podTokenIssuer: new CfnParameter(scope, 'PodTokenIssuer', {
    description: "The cluster's service-account issuer (EKS: the OIDC provider URL)",
    default: 'https://kubernetes.default.svc',
  }),
  jwksUrl: new CfnParameter(scope, 'PodTokenJwksUrl', {
    description: "Where the issuer's public keys are (EKS: <issuer>/keys)",
    default: 'https://kubernetes.default.svc/openid/v1/jwks',
  }),
  apiJwks: new CfnParameter(scope, 'ApiTokenJwks', {
    description: 'Public JWKS (JSON) that verifies API tokens; keep the private key offline',
    default: '{"keys":[]}',
  }),
  tapImage: new CfnParameter(scope, 'TapImage', {
    description: 'The tap sidecar image the mutating webhook injects',
    default: 'ghcr.io/meshward/tap:latest',
  }),
  tapTrustedProxies: new CfnParameter(scope, 'TapTrustedProxies', {
    description:
      "Proxies in front of injected pods (ingress controller's pod range), comma-separated addresses or CIDRs, whose X-Forwarded-For entries taps read a hop further (ADR 28); empty: none",
    default: '',
  }),
  tapForwardedHeader: new CfnParameter(scope, 'TapForwardedHeader', {
    description:
      'The one forwarding header those proxies write; empty: X-Forwarded-For, else Forwarded, else X-Real-IP',
    default: '',
    allowedValues: ['', ...forwardingHeaderSchema.options],
  }),
});

export class MeshwardStack extends Stack {
  constructor(scope: Construct, id: string, props: MeshwardStackProps) {
    super(scope, id, props);
    const table = storeTableOf(this);
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
      description: 'Private JWK (JSON: kid, alg, privateJwk) that signs commands to taps',
    });
    const kubeconfig = new Secret(this, 'Kubeconfig', {
      description: 'kubeconfig (YAML, with a service-account token) respond uses to reach the cluster API',
    });
    const webhookPath = new Secret(this, 'WebhookPathSecret', {
      description: 'Secret URL path segment of the admission webhooks',
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    const params = parametersOf(this);
    const learnQueue = queueWithDlq(this, 'LearnQueue');
    const respondQueue = queueWithDlq(this, 'RespondQueue');
    // Secrets reach functions as CloudFormation dynamic references resolved at deploy time, so no
    // function needs the AWS SDK (or its cold start) to read them; see docs/deploy-aws.md.
    const env = {
      MESHWARD_STORE: 'dynamodb',
      MESHWARD_TABLE: table.tableName,
      MESHWARD_LEARN_QUEUE_URL: learnQueue.queueUrl,
      MESHWARD_RESPOND_QUEUE_URL: respondQueue.queueUrl,
      MESHWARD_CAPTURE_BUCKET: captures.bucketName,
      MESHWARD_POD_TOKEN_ISSUER: params.podTokenIssuer.valueAsString,
      MESHWARD_JWKS_URL: params.jwksUrl.valueAsString,
      MESHWARD_API_JWKS: params.apiJwks.valueAsString,
    };
    const respondEnv = {
      ...env,
      ...slackParameters(this),
      MESHWARD_SLACK_BOT_TOKEN: slackToken.secretValue.unsafeUnwrap(),
      MESHWARD_SLACK_SIGNING_SECRET: slackSigning.secretValue.unsafeUnwrap(),
      MESHWARD_COMMAND_KEY: commandKey.secretValue.unsafeUnwrap(),
      MESHWARD_KUBECONFIG_DATA: kubeconfig.secretValue.unsafeUnwrap(),
      MESHWARD_RESPONSE_RULES: taskPath('policies/response'),
    };
    const responseRules = [{ from: 'policies/response/*.yaml', to: 'policies/response' }];
    const fn = (id: string, entry: string, extra: Partial<MeshwardFunctionProps> = {}) =>
      new MeshwardFunction(this, id, {
        entry,
        repositoryRoot: props.repositoryRoot,
        environment: env,
        ...extra,
      });

    // The API server cannot sign requests: the webhooks' URLs have no IAM auth; the secret path
    // segment and a concurrency cap protect them, and they get no data-plane permissions at all.
    const admission = fn('Admission', 'functions/admission/handler.ts', {
      environment: {
        MESHWARD_WEBHOOK_PATH_SECRET: webhookPath.secretValue.unsafeUnwrap(),
        MESHWARD_POLICY_DIR: taskPath('policies/admission'),
        MESHWARD_TAP_IMAGE: params.tapImage.valueAsString,
        MESHWARD_TAP_TRUSTED_PROXIES: params.tapTrustedProxies.valueAsString,
        MESHWARD_TAP_FORWARDED_HEADER: params.tapForwardedHeader.valueAsString,
      },
      reservedConcurrentExecutions: 50,
      memorySize: 1024,
      timeout: Duration.seconds(5),
      external: ['@kubernetes/client-node', '@slack/web-api'],
      copy: [{ from: 'policies/admission/*.yaml', to: 'policies/admission' }],
    });
    const admissionUrl = admission.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const ingest = fn('Ingest', 'functions/ingest/handler.ts', { reservedConcurrentExecutions: 200 });
    table.grantReadWriteData(ingest.fn);
    learnQueue.grantSendMessages(ingest.fn);
    respondQueue.grantSendMessages(ingest.fn);

    // The API's pod actions (quarantine, release, capture) run respond's actions, so it has respond's settings.
    const api = fn('Api', 'functions/api/handler.ts', { environment: respondEnv, copy: responseRules });
    table.grantReadWriteData(api.fn);
    captures.grantRead(api.fn);
    captures.grantPut(api.fn);

    const dashboard = fn('Dashboard', 'functions/dashboard/handler.ts', {
      environment: { MESHWARD_DASHBOARD_DIR: taskPath('dashboard') },
      copy: [{ from: 'dashboard/dist', to: 'dashboard/dist' }],
    });

    const keys = fn('Keys', 'functions/keys/handler.ts', {
      environment: { ...env, MESHWARD_COMMAND_KEY: commandKey.secretValue.unsafeUnwrap() },
    });

    const slack = fn('Slack', 'functions/slack/handler.ts', { environment: respondEnv, copy: responseRules });
    table.grantReadWriteData(slack.fn);
    respondQueue.grantSendMessages(slack.fn);

    const learn = fn('Learn', 'functions/learn/handler.ts', { timeout: Duration.seconds(30) });
    table.grantReadWriteData(learn.fn);
    respondQueue.grantSendMessages(learn.fn);
    learn.fn.addEventSource(new SqsEventSource(learnQueue, { batchSize: 10, reportBatchItemFailures: true }));

    const respond = fn('Respond', 'functions/respond/handler.ts', {
      timeout: Duration.seconds(30),
      environment: respondEnv,
      copy: responseRules,
    });
    table.grantReadWriteData(respond.fn);
    captures.grantRead(respond.fn);
    captures.grantPut(respond.fn);
    respondQueue.grantSendMessages(respond.fn);
    respond.fn.addEventSource(
      new SqsEventSource(respondQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // The timers `meshward serve` runs in-process (ADR 4): mode progression and grouped-alert flush.
    const schedule = fn('Schedule', 'functions/schedule/handler.ts', {
      timeout: Duration.seconds(30),
      environment: respondEnv,
      copy: responseRules,
    });
    table.grantReadWriteData(schedule.fn);
    new Rule(this, 'EveryMinute', {
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaTarget(schedule.fn, { retryAttempts: 0 })],
    });

    // One HTTP API for every route but the webhooks': the SPA and the REST API share an origin.
    const http = new HttpApi(this, 'Http', { description: 'meshward: ingest, API, dashboard, Slack, keys' });
    const targets = { ingest, api, dashboard, slack, keys };
    for (const [name, target] of Object.entries(targets)) {
      const integration = new HttpLambdaIntegration(`${name}Integration`, target.fn);
      for (const route of httpRoutes(name)) {
        http.addRoutes({ path: route.path, methods: [route.method as HttpMethod], integration });
      }
    }
    admission.fn.addEnvironment('MESHWARD_CONTROL_PLANE_URL', http.apiEndpoint);
    new CfnOutput(this, 'ControlPlaneUrl', { value: http.apiEndpoint });
    new CfnOutput(this, 'AdmissionUrl', { value: admissionUrl.url });
  }
}
