/**
 * A bundle finds the shipped threat policies where the image puts it: `/opt/meshward/dist/tap.mjs` beside
 * `/opt/meshward/policies/threats/`. A policy edited there is what the bundled engine runs on. Before, the bundle
 * looked one directory too high and every detector silently ran on its schema's defaults.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nodeBundleOptions } from '#infra/image/build-tap-bundle.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '..', '..', '..');

describe('the tap bundle and the shipped threat policies', () => {
  it('reads policies/threats beside its dist directory, an edited one included', async () => {
    const root = join(tempDir('meshward-image-'), 'opt', 'meshward');
    mkdirSync(join(root, 'dist'), { recursive: true });
    cpSync(join(repository, 'package.json'), join(root, 'package.json'));
    cpSync(join(repository, 'policies', 'threats'), join(root, 'policies', 'threats'), { recursive: true });
    const xss = join(root, 'policies', 'threats', 'xss.yaml');
    writeFileSync(xss, readFileSync(xss, 'utf8').replace('severity: high', 'severity: low'));
    const out = join(root, 'dist', 'policies.mjs');
    await build({
      ...nodeBundleOptions,
      stdin: {
        contents: [
          "import { defaultPolicyDir, loadThreatConfigs } from './sidecar/threats/load-threat-configs.ts';",
          "import { threats } from './sidecar/threats/index.ts';",
          'const configs = loadThreatConfigs(threats);',
          'console.log(JSON.stringify({ dir: defaultPolicyDir, xss: configs.xss.severity, sqli: configs["sql-injection"].severity }));',
        ].join('\n'),
        resolveDir: repository,
        sourcefile: 'policies-entry.mjs',
        loader: 'js',
      },
      outfile: out,
    });
    const { stdout } = await run(process.execPath, [out]);
    expect(JSON.parse(stdout)).toEqual({
      dir: `${join(root, 'policies', 'threats')}/`,
      xss: 'low',
      sqli: 'high',
    });
  }, 60_000);
});
