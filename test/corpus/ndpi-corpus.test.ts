/**
 * nDPI's own test captures with nDPI's own per-flow labels (../shared/corpus/ndpi): wherever nDPI
 * identified a flow from its bytes (`Confidence: DPI`) and we have that protocol, we must agree;
 * wherever nDPI guessed from the port or gave up, we must not be wrong, and we count where we do better.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCapture, ndpiCorpus, type Pairing } from './ndpi-compare.ts';

/** Flows where we knowingly differ from nDPI, and why. */
const knownDifferences: Record<string, string> = {
  ICMP: 'ICMP is a transport, not an application protocol: meshward reports transport icmp, protocol unknown',
};

const captures = existsSync(ndpiCorpus)
  ? readdirSync(ndpiCorpus)
      .filter((name) => !name.endsWith('.out'))
      .sort()
  : [];
const all: Pairing[] = [];

describe.skipIf(captures.length === 0)('nDPI corpus, flow by flow', () => {
  afterAll(() => {
    const dpi = all.filter((p) => p.ndpi.confidence === 'DPI');
    const comparable = dpi.filter((p) => p.expected !== undefined);
    const agree = comparable.filter((p) => p.ours?.protocol === p.expected);
    const guessed = all.filter((p) => p.ndpi.confidence !== 'DPI');
    const weIdentify = guessed.filter((p) => p.ours !== undefined && p.ours.protocol !== 'unknown');
    console.log(
      [
        `nDPI corpus: ${all.length} nDPI flows in ${captures.length} captures`,
        `  nDPI identified from bytes: ${dpi.length}; of those in our protocol set: ${comparable.length}; we agree on ${agree.length}`,
        `  nDPI guessed by port or gave up: ${guessed.length}; we identify ${weIdentify.length} of them from bytes (${weIdentify.map((p) => `${p.file}:${p.ours?.protocol}`).join(', ') || 'none'})`,
        `  known differences: ${dpi
          .filter((p) => p.expected === undefined)
          .map((p) => `${p.file} ${p.ndpi.app}`)
          .join(', ')}`,
      ].join('\n'),
    );
  });

  it.each(captures)('%s', async (file) => {
    const { pairings } = await compareCapture(file);
    all.push(...pairings);
    for (const pairing of pairings) {
      const where = `${file} ${pairing.ndpi.transport} ${pairing.ndpi.a} <-> ${pairing.ndpi.b} (nDPI: ${pairing.ndpi.app}, ${pairing.ndpi.confidence})`;
      expect(pairing.ours, `${where}: flow missing`).toBeDefined();
      if (pairing.ndpi.confidence === 'DPI' && pairing.expected !== undefined) {
        expect(pairing.ours?.protocol, where).toBe(pairing.expected);
      } else if (pairing.ndpi.confidence === 'DPI' && pairing.ndpi.app !== 'Unknown') {
        expect(knownDifferences[pairing.ndpi.app], `${where}: unexplained difference`).toBeDefined();
      } else if (pairing.ours?.protocol !== 'unknown' && pairing.expected !== undefined) {
        // nDPI guessed by port: when we name a protocol from the bytes it must not contradict nDPI's guess
        expect(pairing.ours?.protocol, where).toBe(pairing.expected);
      }
    }
  });
});
