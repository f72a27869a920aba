/** The benchmark child's two ways of making passes: a new engine per pass, or one engine for all (`--continuous`). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, [
    '--import',
    'tsx',
    'bench/inspect-child.ts',
    'test/fixtures/pcap/three-flows.pcap',
    'engine',
    ...args,
  ]);
  return JSON.parse(stdout) as { packets: number; lastPackets: number; flows: number; passCpuMs: number[] };
};

describe('bench inspect child', () => {
  it('makes a new engine per pass by default, and feeds one engine every pass with --continuous', async () => {
    const fresh = await child('--passes', '3');
    const tap = await child('--passes', '3', '--continuous');
    expect(fresh.packets).toBeGreaterThan(0);
    expect(fresh.passCpuMs).toHaveLength(3);
    expect(fresh.lastPackets).toBe(fresh.packets);
    expect(tap.packets).toBe(fresh.packets);
    expect(tap.lastPackets).toBe(3 * fresh.packets);
  }, 30_000);
});
