/** Bundles the dashboard with esbuild into content-hashed files and an index.html that names them. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import type { DashboardPaths } from './dashboard-paths.ts';

const outputNamed = (outputs: string[], entry: string, ext: string): string => {
  const found = outputs.find((file) => basename(file).startsWith(`${entry}-`) && file.endsWith(ext));
  if (found === undefined) throw new Error(`esbuild wrote no ${entry}${ext}`);
  return basename(found);
};

export const buildDashboard = async (paths: DashboardPaths): Promise<string[]> => {
  rmSync(paths.dist, { recursive: true, force: true });
  mkdirSync(paths.dist, { recursive: true });
  const result = await build({
    entryPoints: { app: join(paths.root, 'src', 'main.ts'), style: join(paths.root, 'style.css') },
    outdir: paths.dist,
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
  writeFileSync(join(paths.dist, 'index.html'), html);
  return [...outputs.map((file) => basename(file)), 'index.html'];
};
