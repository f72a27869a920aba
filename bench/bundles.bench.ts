/** Lambda bundle sizes (esbuild, as the CDK stack bundles them) and module load time of each bundle. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const out = join(import.meta.dirname, 'work', 'bundles');
export const handlers = ['admission', 'ingest', 'api', 'slack', 'learn', 'respond'];

export type BundleResult = {
  name: string;
  bytes: number;
  loadMs: number;
  kubernetesClient: boolean;
  awsSdk: boolean;
};

const loadTime = (file: string): number => {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t));`;
  const samples = [0, 1, 2].map(() =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: out }),
    ),
  );
  return Math.round(Math.min(...samples) * 10) / 10;
};

export const runBundleBench = async (): Promise<BundleResult[]> => {
  mkdirSync(out, { recursive: true });
  const results: BundleResult[] = [];
  for (const name of handlers) {
    const outfile = join(out, `${name}.mjs`);
    const result = await build({
      entryPoints: [join(root, 'functions', name, 'handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      outfile,
      metafile: true,
      external: ['@aws-sdk/*', 'better-sqlite3'],
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    results.push({
      name,
      bytes: statSync(outfile).size,
      loadMs: loadTime(outfile),
      kubernetesClient: inputs.some((input) => input.includes('@kubernetes/client-node')),
      awsSdk: inputs.some((input) => input.includes('@aws-sdk')),
    });
  }
  return results;
};
