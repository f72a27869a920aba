/** The tap bundle: esbuild builds one file without tsx or TypeScript in it, and `meshward tap` runs it when named. */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildTapBundle } from '#infra/image/build-tap-bundle.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const execFileAsync = promisify(execFile);
const meshward = join(import.meta.dirname, '..', '..', '..', 'bin', 'meshward.js');

/** Runs `meshward tap` with no configuration: the exit code and stderr say which code path answered. */
const runTap = async (env: NodeJS.ProcessEnv) => {
  try {
    await execFileAsync(process.execPath, [meshward, 'tap'], { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
};

describe('the tap bundle', () => {
  it('is one ESM file without tsx, and meshward.js runs it only when asked', async () => {
    const out = await buildTapBundle(join(tempDir('meshward-bundle-'), 'tap.mjs'));
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/from ["']tsx|require\(["']typescript["']\)/);
    expect(text).toContain('MESHWARD-ALLOW-IN');
    const bundled = await runTap({ MESHWARD_TAP_BUNDLE: out });
    expect(bundled.code).toBe(2);
    expect(bundled.stderr).toMatch(/^meshward tap: tap configuration is invalid/);
    // meshward.js imports exactly the file named; a missing one falls back to the sources, and says so.
    const dir = tempDir('meshward-stub-');
    writeFileSync(join(dir, 'stub.mjs'), "process.stderr.write('stub bundle ran'); process.exitCode = 7;\n");
    expect(await runTap({ MESHWARD_TAP_BUNDLE: join(dir, 'stub.mjs') })).toEqual({
      code: 7,
      stderr: 'stub bundle ran',
    });
    const missing = await runTap({ MESHWARD_TAP_BUNDLE: join(dir, 'absent.mjs') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no tap bundle at ${join(dir, 'absent.mjs')}; running from source`);
  }, 60_000);
});
