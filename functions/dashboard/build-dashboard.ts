/** Bundles the dashboard with esbuild into content-hashed files and an index.html that names them. */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import type { DashboardPaths } from './dashboard-paths.ts';

const outputNamed = (outputs: string[], entry: string, ext: string): string => {
  const found = outputs.find((file) => basename(file).startsWith(`${entry}-`) && file.endsWith(ext));
  if (found === undefined) throw new Error(`esbuild wrote no ${entry}${ext}`);
  return basename(found);
};

/**
 * Builds into a fresh sibling directory and swaps it in, so two processes building at once (two `serve`s on
 * one checkout) never leave a half-written `dist/`; the loser of the swap keeps the winner's equal build.
 */
export const buildDashboard = async (paths: DashboardPaths): Promise<string[]> => {
  const staging = mkdtempSync(`${paths.dist}-building-`);
  try {
    const files = await buildInto(paths, staging);
    rmSync(paths.dist, { recursive: true, force: true });
    renameSync(staging, paths.dist);
    return files;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (
      (error as NodeJS.ErrnoException).code === 'ENOTEMPTY' ||
      (error as NodeJS.ErrnoException).code === 'EEXIST'
    )
      return [];
    throw error;
  }
};

const buildInto = async (paths: DashboardPaths, outdir: string): Promise<string[]> => {
  const result = await build({
    entryPoints: { app: join(paths.root, 'src', 'main.ts'), style: join(paths.root, 'style.css') },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    // Sources may live outside the repository (MESHWARD_DASHBOARD_DIR): resolve cytoscape from ours.
    nodePaths: [join(import.meta.dirname, '..', '..', 'node_modules')],
  });
  const outputs = Object.keys(result.metafile.outputs);
  const html = readFileSync(join(paths.root, 'index.html'), 'utf8')
    .replace('%APP_JS%', `/ui/${outputNamed(outputs, 'app', '.js')}`)
    .replace('%STYLE_CSS%', `/ui/${outputNamed(outputs, 'style', '.css')}`);
  writeFileSync(join(outdir, 'index.html'), html);
  return [...outputs.map((file) => basename(file)), 'index.html'];
};
