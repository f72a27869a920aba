/**
 * `meshward inspect` from its esbuild bundle (bin/build-inspect-bundle.ts) prints what it prints from the sources,
 * threats included (the bundle finds the shipped policies from dist/), and bin/meshward.js runs the sources when a
 * file the bundle was built from is newer, or gone (bundle-fresh.js).
 */
import { execFile } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '#test/helpers/corpus.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { buildInspectBundle } from '../../bin/build-inspect-bundle.ts';
import { bundleState } from '../../bin/bundle-fresh.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '..', '..');
const meshward = join(repository, 'bin', 'meshward.js');
// Inside the repository: the bundle finds policies/threats by walking up from its own directory, as from dist/.
const dir = join(repository, 'dist', `test-${process.pid}`);
const captures = ['WebattackSQLinj.pcap', 'amqp.pcap', 'dns-tunnel-iodine.pcap'].map((name) =>
  join(corpusDir('ndpi'), name),
);

const inspect = (bundle: string) =>
  run(process.execPath, [meshward, 'inspect', ...captures, '--json'], {
    env: { ...process.env, MESHWARD_INSPECT_BUNDLE: bundle },
    maxBuffer: 64 * 1024 * 1024,
  });

describe('the inspect bundle', () => {
  let bundle = '';
  beforeAll(async () => {
    bundle = await buildInspectBundle(join(dir, 'inspect.mjs'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the findings the sources print, threats included', async () => {
    expect(bundleState(bundle)).toBe('fresh');
    const [bundled, source] = await Promise.all([inspect(bundle), inspect('none')]);
    expect(bundled.stderr).toBe(source.stderr);
    expect(bundled.stdout).toBe(source.stdout);
    const threats = bundled.stdout.split('\n').filter((line) => line.includes('"type":"threat"'));
    expect(threats.some((line) => line.includes('"sql-injection"'))).toBe(true);
  }, 120_000);

  it('is stale when a file it was built from is newer or gone, and the sources run then', async () => {
    const at = tempDir('meshward-bundle-fresh-');
    const input = join(at, 'input.ts');
    const built = join(at, 'x.mjs');
    writeFileSync(input, 'export {};\n');
    writeFileSync(built, '');
    expect(bundleState(built)).toBe('stale');
    writeFileSync(join(at, 'x-inputs.json'), JSON.stringify({ inputs: [input] }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(input, past, past);
    expect(bundleState(built)).toBe('fresh');
    utimesSync(input, new Date(), new Date(Date.now() + 60_000));
    expect(bundleState(built)).toBe('stale');
    rmSync(input);
    expect(bundleState(built)).toBe('stale');
    expect(bundleState(join(at, 'none.mjs'))).toBe('missing');
    // A stale bundle is never run: its code here would print nothing at all.
    const { stdout, stderr } = await run(
      process.execPath,
      [meshward, 'inspect', captures[1] ?? '', '--json'],
      {
        env: { ...process.env, MESHWARD_INSPECT_BUNDLE: built },
      },
    );
    expect(stderr).toContain(
      'is older than the sources; running from source (npm run build:inspect rebuilds it)',
    );
    expect(stdout).toContain('"protocol":"amqp"');
  }, 120_000);
});
