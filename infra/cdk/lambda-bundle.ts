/**
 * How every Lambda bundle is built (the stack and `npm run bench bundles` share it): esbuild, ESM, Node 22,
 * minified and tree-shaken, with the AWS SDK external (the runtime provides v3), better-sqlite3 replaced by a
 * module that explains itself, and zod imported as a namespace so unused schema kinds are dropped.
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/** A directory of the repository copied into the function's asset; `*.yaml` copies only the YAML files at its top. */
export type AssetCopy = { from: string; to: string };

export type LambdaBundleSpec = {
  repositoryRoot: string;
  /** The handler module, relative to the repository root. */
  entry: string;
  outdir: string;
  external?: readonly string[];
  copy?: readonly AssetCopy[];
};

/**
 * `import { z } from 'zod'` binds zod's namespace object as a value, which keeps all of zod (≈ 450 KB) in
 * every bundle; `import * as z from 'zod'` lets esbuild keep only what is used (≈ 85 KB). Same code, same types.
 */
export const zodNamespacePlugin: Plugin = {
  name: 'zod-namespace',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes("import { z } from 'zod'")) return undefined;
      return {
        contents: source.replaceAll("import { z } from 'zod'", "import * as z from 'zod'"),
        loader: 'ts',
      };
    });
  },
};

export const lambdaBuildOptions = (spec: LambdaBundleSpec): BuildOptions => ({
  entryPoints: [join(spec.repositoryRoot, spec.entry)],
  outfile: join(spec.outdir, 'index.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  treeShaking: true,
  sourcemap: true,
  metafile: true,
  external: ['@aws-sdk/*', ...(spec.external ?? [])],
  alias: { 'better-sqlite3': join(spec.repositoryRoot, 'infra/cdk/lambda/no-sqlite.ts') },
  plugins: [zodNamespacePlugin],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});

const copyInto = (spec: LambdaBundleSpec, copy: AssetCopy): void => {
  const target = join(spec.outdir, copy.to);
  mkdirSync(target, { recursive: true });
  if (!copy.from.endsWith('/*.yaml')) {
    cpSync(join(spec.repositoryRoot, copy.from), target, { recursive: true });
    return;
  }
  const dir = join(spec.repositoryRoot, copy.from.slice(0, -'/*.yaml'.length));
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.yaml'))) {
    cpSync(join(dir, name), join(target, name));
  }
};

/** Bundles one handler into `outdir/index.mjs` (+ map) and copies the files it reads at run time. */
export const bundleLambda = async (spec: LambdaBundleSpec): Promise<Metafile> => {
  const result = await build(lambdaBuildOptions(spec));
  for (const copy of spec.copy ?? []) copyInto(spec, copy);
  return result.metafile ?? { inputs: {}, outputs: {} };
};
