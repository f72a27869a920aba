/**
 * Payload corpus: per class detection share with payloads placed in query, header, form, JSON, gzip-compressed JSON,
 * a multipart form field, a WebSocket JSON message and a gRPC message's string field, and false positives.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectionTargets,
  englishResult,
  payloadClasses,
  payloadClassResult,
  payloadCorpusDir,
  placements,
  wordList,
} from '#bench/payloads-report.ts';

const hasCorpus = existsSync(payloadCorpusDir);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

describe.skipIf(!hasCorpus)('payload corpus (WAF Payload Collection in ../shared/corpus/payloads)', () => {
  it('has every class the targets name', () => {
    expect(payloadClasses()).toEqual(expect.arrayContaining(Object.keys(detectionTargets)));
  });

  it.each(payloadClasses())(
    '%s: detection share per placement above target, no benign line flagged',
    (name) => {
      const result = payloadClassResult(name);
      const shares = placements.map((p) => `${p} ${percent(result.detected[p])}`).join(', ');
      console.log(
        `| ${name} | ${result.detector} | ${result.attacks} attacks | ${shares} | benign ${result.benign}, false positives ${result.falsePositives} |`,
      );
      const target = detectionTargets[name];
      if (target !== undefined) {
        for (const placement of placements)
          expect(result.detected[placement], `${name} in ${placement}`).toBeGreaterThan(target);
      }
      expect(result.falsePositiveExamples, `${name} benign lines flagged`).toEqual([]);
    },
  );

  it('flags at most 0.1% of ordinary English text (licence prose, dictionary words, generated sentences)', () => {
    const result = englishResult({ wordStride: 4, sentences: 3_000 });
    console.log(
      `| English text | ${result.lines} lines | flagged ${result.flagged} (${(result.rate * 100).toFixed(3)}%) |`,
    );
    expect(result.lines).toBeGreaterThan(existsSync(wordList) ? 30_000 : 1_000);
    expect(result.rate, `English lines flagged: ${result.examples.join(' | ')}`).toBeLessThanOrEqual(0.001);
  });
});
