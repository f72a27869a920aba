import { describe, expect, it } from 'vitest';
import { ipFragmentAttack } from '#sidecar/threats/ip-fragment-attack.ts';
import { packet, runThreat } from './threat-factories.ts';

describe('ip-fragment-attack', () => {
  // A fragment still waiting for the rest carries no transport payload (payloadLength 0): its IP length tells its size.
  it.each([
    ['overlap', { offset: 24, more: false, overlap: true }, 120, /teardrop/],
    ['tiny first fragment', { offset: 0, more: true, overlap: false }, 28, /tiny first fragment of 8 bytes/],
    ['offset 8', { offset: 8, more: false, overlap: false }, 120, /offset 8/],
  ])('flags %s', (_name, fragment, ipLength, evidence) => {
    const hits = runThreat(ipFragmentAttack, [packet({ fragment, ipLength, payloadLength: 0 })]);
    expect(hits[0]?.evidence).toMatch(evidence);
  });

  it('ignores ordinary fragments: a full first fragment still waiting for the rest, and the last one', () => {
    const fragments = [
      packet({ fragment: { offset: 0, more: true, overlap: false }, ipLength: 1500, payloadLength: 0 }),
      packet({ fragment: { offset: 1480, more: false, overlap: false }, ipLength: 520, payloadLength: 1980 }),
    ];
    expect(runThreat(ipFragmentAttack, fragments)).toEqual([]);
  });

  it('sizes an IPv6 first fragment past its 40-byte header and 8-byte fragment header', () => {
    const v6 = { src: { ip: 'fd00::1', port: 0 }, dst: { ip: 'fd00::2', port: 0 }, payloadLength: 0 };
    const first = { offset: 0, more: true, overlap: false };
    expect(runThreat(ipFragmentAttack, [packet({ ...v6, fragment: first, ipLength: 1280 })])).toEqual([]);
    expect(
      runThreat(ipFragmentAttack, [packet({ ...v6, fragment: first, ipLength: 56 })])[0]?.evidence,
    ).toMatch(/tiny first fragment of 8 bytes/);
  });
});
