/**
 * Bundles `meshward inspect` into one ESM file with esbuild (dist/inspect.mjs), and lists the files it was built from
 * (dist/inspect-inputs.json) so bin/meshward.js can tell when a source is newer and run the sources instead
 * (bundle-fresh.js). `npm install` builds it (the `prepare` script, with `--if-possible`: a failed build warns and
 * leaves the command on the sources); `npm run build:inspect` rebuilds it after an edit.
 * Usage: tsx bin/build-inspect-bundle.ts [--if-possible] [OUT] (default dist/inspect.mjs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { nodeBundleOptions } from '#infra/image/build-tap-bundle.ts';
import { inputsPathOf } from './bundle-fresh.js';

const root = join(import.meta.dirname, '..');
export const defaultInspectBundle = join(root, 'dist', 'inspect.mjs');

export const buildInspectBundle = async (out = defaultInspectBundle): Promise<string> => {
  const bundle = resolve(out);
  mkdirSync(dirname(bundle), { recursive: true });
  const result = await build({
    ...nodeBundleOptions,
    absWorkingDir: root,
    entryPoints: [join(root, 'bin', 'inspect-entry.ts')],
    outfile: bundle,
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs).map((path) => resolve(root, path));
  writeFileSync(inputsPathOf(bundle), `${JSON.stringify({ root, inputs }, null, 1)}\n`);
  return bundle;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const lenient = args.includes('--if-possible');
  const out = args.find((arg) => !arg.startsWith('--'));
  try {
    process.stdout.write(`inspect bundle written to ${await buildInspectBundle(out)}\n`);
  } catch (error) {
    if (!lenient) throw error;
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(
      `meshward: the inspect bundle was not built (${why}); 'meshward inspect' runs from source\n`,
    );
  }
}
