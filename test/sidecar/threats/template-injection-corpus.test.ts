/**
 * template-injection against benign text: every false-positives.txt line of every class of the payload corpus
 * (`../shared/corpus/payloads`) in each of the eight placements the corpus test uses, honest template-bearing values
 * (test/fixtures/payloads/template-injection.ts) likewise, Debian's word list (`/usr/share/dict/words`), and the other
 * classes' attacks, of which only the ones that are template or interpolation injection too are reported. The same
 * harness reports the fixture's attacks in every placement, so a zero here is not a detector that is off.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  payloadClasses,
  payloadCorpusDir,
  placements,
  placePayload,
  readLines,
  wordList,
} from '#bench/payloads-report.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { templateInjection } from '#sidecar/threats/template-injection.ts';
import { honestTemplates, templateAttacks } from '#test/fixtures/payloads/template-injection.ts';
import { benignLines, everywhere, flaggedBy, wordBatches, wordQuery } from './corpus-harness.ts';
import { httpRequest } from './threat-factories.ts';

const flagged = flaggedBy([templateInjection]);

describe('template-injection on honest templates', () => {
  it('reports none of them in any placement, and every attack of the fixture in every placement', () => {
    expect(flagged(everywhere(honestTemplates))).toEqual([]);
    const attacks = templateAttacks.map(([, payload]) => payload);
    expect(flagged(everywhere(attacks))).toHaveLength(attacks.length * placements.length);
  });
});

describe.skipIf(!existsSync(payloadCorpusDir))('template-injection on the payload corpus', () => {
  it('flags none of the benign lines of any class, in any placement', () => {
    const benign = benignLines();
    expect(benign.length).toBeGreaterThan(50);
    expect(flagged(everywhere(benign))).toEqual([]);
  });

  it("flags of the other classes' attacks only PHP interpolation eval and AngularJS expressions", () => {
    const byClass = payloadClasses().map((name) => {
      const attacks = readLines(join(payloadCorpusDir, name, 'true-positives.txt'));
      const hits = attacks.filter((line) => flagged([placePayload(line, 'json')]).length > 0);
      return { name, attacks: attacks.length, hits };
    });
    console.log(byClass.map((c) => `${c.name}: ${c.hits.length} of ${c.attacks}`).join(', '));
    const hits = Object.fromEntries(byClass.map((c) => [c.name, c.hits]));
    for (const name of ['log4shell', 'shellshock', 'sqli', 'traversal', 'xxe'])
      expect(hits[name]).toEqual([]);
    // commix's eval-based payloads: `${system(...)}` in a PHP string that is eval'd runs the call.
    expect(hits.cmdexe?.length).toBeGreaterThan(0);
    for (const line of hits.cmdexe ?? [])
      expect(line).toMatch(
        /^\$\{@?(?:exec|passthru|popen|proc_open|shell_exec|system|print)\(|^\{\$\{phpinfo\(\)\}\}$/,
      );
    // AngularJS sandbox escapes: `{{constructor.constructor(...)()}}`, client-side template injection.
    expect(hits.xss?.length).toBeGreaterThan(0);
    for (const line of hits.xss ?? []) expect(line).toMatch(/^\{\{.*constructor/);
  });
});

describe.skipIf(!existsSync(wordList))("template-injection on Debian's word list", () => {
  it('flags no word as a query or JSON parameter value (fifty words a request)', () => {
    const words = readLines(wordList);
    expect(words.length).toBeGreaterThan(50_000);
    const events: ProtocolEvent[] = [];
    for (const batch of wordBatches(words)) {
      events.push(httpRequest(`/search?${wordQuery(batch)}`));
      const body = JSON.stringify(Object.fromEntries(batch.map((w) => [w, w])));
      events.push(httpRequest('/api/search', { body, headers: [['Content-Type', 'application/json']] }));
    }
    expect(flagged(events)).toEqual([]);
    expect(flagged([httpRequest('/search?q={{7*7}}')])).toHaveLength(1);
  });
});
