/** One construct with the Lambda defaults every meshward function shares: Node 22, ARM64, esbuild, logs, alarm. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** A directory of the repository copied into the function's asset (`/var/task/<to>`): policies, the built SPA. */
export type AssetCopy = { from: string; to: string };

export type MeshwardFunctionProps = {
  /** Path of the handler module, relative to the repository root (`functions/ingest/handler.ts`). */
  entry: string;
  repositoryRoot: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  reservedConcurrentExecutions?: number;
  /** Modules that must never be bundled (the AWS SDK is provided by the runtime). */
  external?: string[];
  /** Files the handler reads at run time; `*.yaml` copies only the YAML files at the top of `from`. */
  copy?: AssetCopy[];
};

/** Where a copied directory is inside the running function. */
export const taskPath = (to: string): string => `/var/task/${to}`;

/** Shell commands run after esbuild (local bundling, no Docker): copy what the handler reads at run time. */
const copyCommands = (inputDir: string, outputDir: string, copy: readonly AssetCopy[]): string[] =>
  copy.map(({ from, to }) =>
    from.endsWith('/*.yaml')
      ? `mkdir -p "${outputDir}/${to}" && cp "${inputDir}/${from.slice(0, -'/*.yaml'.length)}"/*.yaml "${outputDir}/${to}/"`
      : `mkdir -p "${outputDir}/${to}" && cp -R "${inputDir}/${from}/." "${outputDir}/${to}/"`,
  );

export class MeshwardFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly errors: Alarm;

  constructor(scope: Construct, id: string, props: MeshwardFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const copy = props.copy ?? [];
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${props.repositoryRoot}/${props.entry}`,
      handler: 'handler',
      projectRoot: props.repositoryRoot,
      depsLockFilePath: `${props.repositoryRoot}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
        externalModules: ['@aws-sdk/*', ...(props.external ?? [])],
        // Lambda has no native SQLite: the local store's import resolves to a module that says so.
        esbuildArgs: { '--alias:better-sqlite3': './infra/cdk/lambda/no-sqlite.ts' },
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => copyCommands(inputDir, outputDir, copy),
        },
      },
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
