/** `npm run synth`: synthesises the meshward AWS stack offline (esbuild bundles locally, no Docker). */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { dashboardPaths } from '#functions/dashboard/dashboard-paths.ts';
import { ensureDashboardBuilt } from '#functions/dashboard/ensure-dashboard.ts';
import { MeshwardStack } from './meshward-stack.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');
// The SPA is built here, into the dashboard function's asset: Lambda's file system is read-only.
await ensureDashboardBuilt(dashboardPaths(join(repositoryRoot, 'dashboard')));
const app = new App({ outdir: join(import.meta.dirname, 'cdk.out') });
new MeshwardStack(app, 'Meshward', {
  repositoryRoot,
  description: 'meshward control plane: admission webhooks, ingest, learning, response, Slack and API',
});
app.synth();
