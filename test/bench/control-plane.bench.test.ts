/** The control-plane benchmark at a small scale: every finding stored once, rules bounded by distinct edges. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runControlPlaneBench } from '#bench/control-plane.bench.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

describe('control-plane bench', () => {
  it('stores every finding exactly once and learns one rule per distinct edge', async () => {
    const result = await runControlPlaneBench({
      findings: 12_000,
      workloads: 20,
      batchSize: 300,
      peersPerWorkload: 3,
    });
    expect(result.storedFindings).toBe(12_000);
    expect(result.distinctEdges).toBe(60);
    expect(result.rules).toBe(60);
    expect(result.findingsPerSecond).toBeGreaterThan(0);
    expect(result.peakRssMB).toBeGreaterThan(0);
  });

  it('removes its data directory when it fails part-way, as when it succeeds', async () => {
    // A temporary directory of this test's own, so the benchmark's is the only thing that can appear in it.
    const own = tempDir('control-plane-bench-');
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      // No workloads: no pod tokens, so the first batch is refused once the runtime is up.
      await expect(runControlPlaneBench({ findings: 10, workloads: 0, batchSize: 10 })).rejects.toThrow(
        /batch 0 refused/,
      );
      expect(readdirSync(own)).toEqual([]);
      await runControlPlaneBench({ findings: 10, workloads: 1, batchSize: 10 });
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});
