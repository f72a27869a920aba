import { describe, expect, it } from 'vitest';
import { droppedByKernel } from './tcpdump.ts';

describe('tcpdump helper', () => {
  it("reads the kernel's drop count from tcpdump's closing lines", () => {
    const said = '12 packets captured\n40 packets received by filter\n28 packets dropped by kernel\n';
    expect(droppedByKernel(said)).toBe(28);
    expect(
      droppedByKernel('1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n'),
    ).toBe(0);
    expect(droppedByKernel('1 packet dropped by kernel')).toBe(1);
    expect(droppedByKernel('tcpdump: listening on lo')).toBe(0);
  });
});
