/** `npm run synth`: synthesises the meshward AWS stack offline (esbuild bundles locally, no Docker). */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { MeshwardStack } from './meshward-stack.ts';

const app = new App({ outdir: join(import.meta.dirname, 'cdk.out') });
new MeshwardStack(app, 'Meshward', {
  repositoryRoot: join(import.meta.dirname, '..', '..'),
  description: 'meshward control plane: admission webhooks, ingest, learning, response, Slack and API',
});
app.synth();
