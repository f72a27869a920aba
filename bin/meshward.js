#!/usr/bin/env node
// The meshward CLI entry: registers tsx so the TypeScript sources run as they are, then runs main.
// `meshward tap` runs a prebuilt esbuild bundle instead, when MESHWARD_TAP_BUNDLE names one or, in production,
// dist/tap.mjs exists (the image builds it): no tsx or TypeScript compiler in every pod (infra/image/build-tap-bundle.ts).
// `meshward inspect` runs dist/inspect.mjs (built by `npm install`: bin/build-inspect-bundle.ts) while no source it
// was built from is newer, or the bundle MESHWARD_INSPECT_BUNDLE names; `none` runs the sources.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleState } from './bundle-fresh.js';

const tapBundle = () => {
  const named = process.env.MESHWARD_TAP_BUNDLE;
  if (process.argv[2] !== 'tap' || process.argv.length !== 3 || named === 'none') return undefined;
  const built = fileURLToPath(new URL('../dist/tap.mjs', import.meta.url));
  const path = named || (process.env.NODE_ENV === 'production' ? built : undefined);
  if (path && !existsSync(path))
    process.stderr.write(`meshward: no tap bundle at ${path}; running from source\n`);
  return path && existsSync(path) ? path : undefined;
};

const inspectBundle = () => {
  const named = process.env.MESHWARD_INSPECT_BUNDLE;
  if (process.argv[2] !== 'inspect' || named === 'none') return undefined;
  const path = named || fileURLToPath(new URL('../dist/inspect.mjs', import.meta.url));
  const state = bundleState(path);
  if (state === 'stale' || (named && state === 'missing'))
    process.stderr.write(
      `meshward: ${path} is ${state === 'stale' ? 'older than the sources' : 'missing'}; running from source (npm run build:inspect rebuilds it)\n`,
    );
  return state === 'fresh' ? path : undefined;
};

const tap = tapBundle();
const inspect = tap ? undefined : inspectBundle();
if (tap) {
  await import(pathToFileURL(tap).href);
} else if (inspect) {
  const { runInspect } = await import(pathToFileURL(inspect).href);
  process.exitCode = await runInspect(process.argv.slice(3));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
