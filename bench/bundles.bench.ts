/**
 * Lambda bundle sizes (built exactly as the stack builds them, `infra/cdk/lambda-bundle.ts`) and the module load
 * time of each bundle in a fresh Node process: CPU ms (user + system, steady on a shared machine) and wall ms.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleLambda } from '#infra/cdk/lambda-bundle.ts';

const root = join(import.meta.dirname, '..');
const out = join(import.meta.dirname, 'work', 'bundles');

/** Each function as the stack deploys it (admission keeps the Kubernetes client and Slack external). */
export const handlers: { name: string; entry: string; external?: string[] }[] = [
  {
    name: 'admission',
    entry: 'functions/admission/handler.ts',
    external: ['@kubernetes/client-node', '@slack/web-api'],
  },
  { name: 'ingest', entry: 'functions/ingest/handler.ts' },
  { name: 'api', entry: 'functions/api/handler.ts' },
  { name: 'dashboard', entry: 'functions/dashboard/handler.ts' },
  { name: 'keys', entry: 'functions/keys/handler.ts' },
  { name: 'slack', entry: 'functions/slack/handler.ts' },
  { name: 'learn', entry: 'functions/learn/handler.ts' },
  { name: 'respond', entry: 'functions/respond/handler.ts' },
  { name: 'schedule', entry: 'functions/schedule/handler.ts' },
];

export type BundleResult = {
  name: string;
  bytes: number;
  loadCpuMs: number;
  loadWallMs: number;
  zodBytes: number;
  kubernetesClient: boolean;
  awsSdk: boolean;
};

type Load = { cpu: number; wall: number };

/** Module load in a fresh process, as a Lambda cold start does before the first event; best of 3. */
const loadTime = (file: string): Load => {
  const script = `const c=process.cpuUsage();const t=performance.now();await import(${JSON.stringify(`file://${file}`)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({cpu:(u.user+u.system)/1000,wall:performance.now()-t}));`;
  const samples = [0, 1, 2].map(
    () =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: out }),
      ) as Load,
  );
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    cpu: round(Math.min(...samples.map((s) => s.cpu))),
    wall: round(Math.min(...samples.map((s) => s.wall))),
  };
};

const bytesFrom = (metafile: Metafile, match: (input: string) => boolean): number =>
  Object.values(metafile.outputs)
    .flatMap((output) => Object.entries(output.inputs))
    .filter(([input]) => match(input))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

export const runBundleBench = async (): Promise<BundleResult[]> => {
  const results: BundleResult[] = [];
  for (const handler of handlers) {
    const outdir = join(out, handler.name);
    rmSync(outdir, { recursive: true, force: true });
    const metafile = await bundleLambda({
      repositoryRoot: root,
      entry: handler.entry,
      outdir,
      external: handler.external ?? [],
    });
    const file = join(outdir, 'index.mjs');
    const inputs = Object.keys(metafile.inputs);
    const load = loadTime(file);
    results.push({
      name: handler.name,
      bytes: statSync(file).size,
      loadCpuMs: load.cpu,
      loadWallMs: load.wall,
      zodBytes: bytesFrom(metafile, (input) => input.includes('node_modules/zod/')),
      kubernetesClient: inputs.some((input) => input.includes('@kubernetes/client-node')),
      awsSdk: inputs.some((input) => input.includes('@aws-sdk')),
    });
  }
  return results;
};
