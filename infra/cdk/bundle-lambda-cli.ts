/** `tsx infra/cdk/bundle-lambda-cli.ts '<spec JSON>'`: what the stack's local bundling runs for each function (no Docker). */
import { bundleLambda, type LambdaBundleSpec } from './lambda-bundle.ts';

await bundleLambda(JSON.parse(process.argv[2] ?? '{}') as LambdaBundleSpec);
