/**
 * prototype-pollution and crlf-injection against benign text: every false-positives.txt line of every class of the
 * payload corpus (`../shared/corpus/payloads`) in each of the eight placements the corpus test uses, the other
 * classes' attacks (none of them prototype pollution; one of them a response splitting), and Debian's word list
 * (`/usr/share/dict/words`) as parameter names and values, query and JSON. The same harness flags the controls
 * written here in every placement, so a zero is not a detector that is off.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { payloadCorpusDir, placements, placePayload, readLines, wordList } from '#bench/payloads-report.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { crlfInjection } from '#sidecar/threats/crlf-injection.ts';
import { prototypePollution } from '#sidecar/threats/prototype-pollution.ts';
import { attackLines, benignLines, everywhere, flaggedBy, wordBatches, wordQuery } from './corpus-harness.ts';
import { httpRequest } from './threat-factories.ts';

const flagged = flaggedBy([prototypePollution, crlfInjection], true);

/** Harness checks: a set path (a value, so it can be placed anywhere) and a header injection, in every placement. */
const controls = ['__proto__.isAdmin', 'en\r\nSet-Cookie: sid=attacker'];

describe.skipIf(!existsSync(payloadCorpusDir))(
  'prototype-pollution and crlf-injection on the payload corpus',
  () => {
    it('flag none of the benign lines of any class, in any placement', () => {
      const benign = benignLines();
      expect(benign.length).toBeGreaterThan(50);
      expect(flagged(everywhere(benign))).toEqual([]);
      expect(flagged(everywhere(controls))).toHaveLength(controls.length * placements.length);
    });

    it("flag of the other classes' attacks only the one response splitting, in a query", () => {
      const attacks = attackLines();
      expect(attacks.length).toBeGreaterThan(10_000);
      // 192 of them hold %0d or %0a (XSS and command injection break their lines so): only this one is a second body.
      const split = 'crlf-injection: HTTP response splitting (a blank line, then a second body) — query q:';
      expect(flagged(attacks.map((line) => placePayload(line, 'query')))).toEqual([
        `${split} %0A%0D%0A<script>confirm(1)</script>`,
      ]);
      expect(flagged(attacks.map((line) => placePayload(line, 'json')))).toEqual([]);
    });
  },
);

describe.skipIf(!existsSync(wordList))("prototype-pollution and crlf-injection on Debian's word list", () => {
  it('flag no word as a query or JSON parameter name or value, nor as lines of a field (fifty words a request)', () => {
    const words = readLines(wordList);
    expect(words.length).toBeGreaterThan(50_000);
    const events: ProtocolEvent[] = [];
    for (const batch of wordBatches(words)) {
      events.push(httpRequest(`/search?${wordQuery(batch)}&lines=${encodeURIComponent(batch.join('\r\n'))}`));
      const body = JSON.stringify(Object.fromEntries(batch.map((w) => [w, { [w]: `${w}\n${w}: ${w}` }])));
      events.push(httpRequest('/api', { body, headers: [['Content-Type', 'application/json']] }));
    }
    expect(flagged(events)).toEqual([]);
    expect(flagged([httpRequest('/a?__proto__[x]=1&next=%0d%0aLocation:%20//e')])).toHaveLength(2);
  });
});
