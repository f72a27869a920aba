/** One construct with the Lambda defaults every meshward function shares: Node 22, ARM64, our esbuild bundle, logs, alarm. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AssetCopy, LambdaBundleSpec } from './lambda-bundle.ts';

export type { AssetCopy } from './lambda-bundle.ts';

export type MeshwardFunctionProps = {
  /** Path of the handler module, relative to the repository root (`functions/ingest/handler.ts`). */
  entry: string;
  repositoryRoot: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  reservedConcurrentExecutions?: number;
  /** Modules that must never be bundled (the AWS SDK always is: the runtime provides it). */
  external?: string[];
  /** Files the handler reads at run time (policies, the built SPA), copied into the asset. */
  copy?: AssetCopy[];
};

/** Where a copied directory is inside the running function. */
export const taskPath = (to: string): string => `/var/task/${to}`;

/**
 * Bundles locally (no Docker) with `lambda-bundle.ts` in a child process: CDK asks synchronously, esbuild's
 * plugins need its asynchronous API. The asset is hashed by its output, so only a changed bundle redeploys.
 */
const lambdaCode = (props: MeshwardFunctionProps): Code => {
  const what = { entry: props.entry, external: props.external ?? [], copy: props.copy ?? [] };
  return Code.fromAsset(join(props.repositoryRoot, 'infra/cdk/lambda'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('docker-bundling-is-not-used'),
      // Part of CDK's bundling cache key: without it every function would reuse the first bundle.
      command: ['bundle-lambda', JSON.stringify(what)],
      local: {
        tryBundle(outdir) {
          const spec: LambdaBundleSpec = { repositoryRoot: props.repositoryRoot, outdir, ...what };
          execFileSync(
            process.execPath,
            [
              '--import',
              'tsx',
              join(props.repositoryRoot, 'infra/cdk/bundle-lambda-cli.ts'),
              JSON.stringify(spec),
            ],
            { cwd: props.repositoryRoot, stdio: 'inherit' },
          );
          return true;
        },
      },
    },
  });
};

export class MeshwardFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly errors: Alarm;

  constructor(scope: Construct, id: string, props: MeshwardFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new LambdaFunction(this, 'Function', {
      code: lambdaCode(props),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
    });
    this.errors = new Alarm(this, 'Errors', {
      metric: this.fn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `meshward ${id} function errors`,
    });
  }
}
