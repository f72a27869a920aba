#!/usr/bin/env node
// The meshward CLI entry: registers tsx so the TypeScript sources run as they are, then runs main.
// `meshward tap` runs a prebuilt esbuild bundle instead, when MESHWARD_TAP_BUNDLE names one or, in production,
// dist/tap.mjs exists (the image builds it): no tsx or TypeScript compiler in every pod (infra/image/build-tap-bundle.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tapBundle = () => {
  const named = process.env.MESHWARD_TAP_BUNDLE;
  if (process.argv[2] !== 'tap' || process.argv.length !== 3 || named === 'none') return undefined;
  const built = fileURLToPath(new URL('../dist/tap.mjs', import.meta.url));
  const path = named || (process.env.NODE_ENV === 'production' ? built : undefined);
  if (path && !existsSync(path))
    process.stderr.write(`meshward: no tap bundle at ${path}; running from source\n`);
  return path && existsSync(path) ? path : undefined;
};

const bundle = tapBundle();
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
