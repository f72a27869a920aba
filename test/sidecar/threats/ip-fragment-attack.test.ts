import { describe, expect, it } from 'vitest';
import { ipFragmentAttack } from '#sidecar/threats/ip-fragment-attack.ts';
import { packet, runThreat } from './threat-factories.ts';

describe('ip-fragment-attack', () => {
  it.each([
    ['overlap', { offset: 24, more: false, overlap: true }, 100, /teardrop/],
    ['tiny first fragment', { offset: 0, more: true, overlap: false }, 8, /tiny first fragment/],
    ['offset 8', { offset: 8, more: false, overlap: false }, 100, /offset 8/],
  ])('flags %s', (_name, fragment, payloadLength, evidence) => {
    expect(runThreat(ipFragmentAttack, [packet({ fragment, payloadLength })])[0]?.evidence).toMatch(evidence);
  });

  it('ignores ordinary fragments', () => {
    const fragments = [
      packet({ fragment: { offset: 0, more: true, overlap: false }, payloadLength: 1480 }),
      packet({ fragment: { offset: 1480, more: false, overlap: false }, payloadLength: 500 }),
    ];
    expect(runThreat(ipFragmentAttack, fragments)).toEqual([]);
  });
});
