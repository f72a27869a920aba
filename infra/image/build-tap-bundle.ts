/**
 * Bundles the tap into one ESM file with esbuild, so `meshward tap` runs without tsx and the TypeScript compiler
 * in memory (bin/meshward.js loads it when MESHWARD_TAP_BUNDLE names it, or in production when it exists).
 * Usage: tsx infra/image/build-tap-bundle.ts [OUT] (default dist/tap.mjs).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
export const defaultTapBundle = join(root, 'dist', 'tap.mjs');

/** How node-side bundles are built (the tap's, and the benchmark child that measures the engine as the tap runs it). */
export const nodeBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Some dependencies are CommonJS and call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mwRequire } from 'node:module'; const require = __mwRequire(import.meta.url);",
  },
  logLevel: 'warning',
} as const satisfies BuildOptions;

export const buildTapBundle = async (out = defaultTapBundle): Promise<string> => {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  await build({
    ...nodeBundleOptions,
    stdin: {
      contents:
        "import { runTapEntry } from './sidecar/tap/tap-entry.ts';\nprocess.exitCode = await runTapEntry();\n",
      resolveDir: root,
      sourcefile: 'tap-bundle-entry.mjs',
      loader: 'js',
    },
    outfile: resolve(out),
  });
  return resolve(out);
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const out = await buildTapBundle(process.argv[2]);
  process.stdout.write(`tap bundle written to ${out}\n`);
}
