/** The control-plane benchmark at a small scale: every finding stored once, rules bounded by distinct edges. */
import { describe, expect, it } from 'vitest';
import { runControlPlaneBench } from '#bench/control-plane.bench.ts';

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
});
