/**
 * nosql-injection against benign text: every false-positives.txt line of every class of the payload corpus
 * (`../shared/corpus/payloads`) in each of the eight placements the corpus test uses, the other classes' attacks (none
 * of them NoSQL), and Debian's word list (`/usr/share/dict/words`) as parameter names and values, query and JSON. The
 * same harness flags the OWASP-style payloads of nosql-injection.test.ts, so a zero here is not a detector that is off.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { payloadCorpusDir, placements, placePayload, readLines, wordList } from '#bench/payloads-report.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { nosqlInjection } from '#sidecar/threats/nosql-injection.ts';
import { attackLines, benignLines, everywhere, flaggedBy, wordBatches, wordQuery } from './corpus-harness.ts';
import { httpRequest } from './threat-factories.ts';

const flagged = flaggedBy([nosqlInjection]);

/** A harness check: operator payloads in every placement are flagged. */
const controls = ['{"password":{"$ne":null}}', '{"$where":"sleep(5000)"}'];

describe.skipIf(!existsSync(payloadCorpusDir))('nosql-injection on the payload corpus', () => {
  it('flags none of the benign lines of any class, in any placement', () => {
    const benign = benignLines();
    expect(benign.length).toBeGreaterThan(50);
    expect(flagged(everywhere(benign))).toEqual([]);
    expect(flagged(everywhere(controls))).toHaveLength(controls.length * placements.length);
  });

  it("flags none of the other classes' attacks (SQL, XSS, traversal, command, Log4Shell, Shellshock, XXE)", () => {
    const attacks = attackLines();
    expect(attacks.length).toBeGreaterThan(10_000);
    expect(flagged(attacks.map((line) => placePayload(line, 'json')))).toEqual([]);
  });
});

describe.skipIf(!existsSync(wordList))("nosql-injection on Debian's word list", () => {
  it('flags no word as a query or JSON parameter name or value (fifty words a request)', () => {
    const words = readLines(wordList);
    expect(words.length).toBeGreaterThan(50_000);
    const events: ProtocolEvent[] = [];
    for (const batch of wordBatches(words)) {
      events.push(httpRequest(`/login?${wordQuery(batch)}`));
      const body = JSON.stringify(Object.fromEntries(batch.map((w) => [w, { [w]: w }])));
      events.push(httpRequest('/api/login', { body, headers: [['Content-Type', 'application/json']] }));
    }
    expect(flagged(events)).toEqual([]);
    expect(flagged([httpRequest('/login?user[$ne]=x')])).toHaveLength(1);
  });
});
