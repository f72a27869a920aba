/**
 * nosql-injection against benign text: every false-positives.txt line of every class of the payload corpus
 * (`../shared/corpus/payloads`) in each of the eight placements the corpus test uses, the other classes' attacks (none
 * of them NoSQL), and Debian's word list (`/usr/share/dict/words`) as parameter names and values, query and JSON. The
 * same harness flags the OWASP-style payloads of nosql-injection.test.ts, so a zero here is not a detector that is off.
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
import { nosqlInjection } from '#sidecar/threats/nosql-injection.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const flagged = (events: readonly ProtocolEvent[]): string[] =>
  events.flatMap((event) => runThreat(nosqlInjection, [event]).map((hit) => hit.evidence));

/** A harness check: operator payloads in every placement are flagged. */
const controls = ['{"password":{"$ne":null}}', '{"$where":"sleep(5000)"}'];

describe.skipIf(!existsSync(payloadCorpusDir))('nosql-injection on the payload corpus', () => {
  it('flags none of the benign lines of any class, in any placement', () => {
    const benign = payloadClasses().flatMap((name) =>
      readLines(join(payloadCorpusDir, name, 'false-positives.txt')),
    );
    expect(benign.length).toBeGreaterThan(50);
    const place = (lines: readonly string[]) =>
      lines.flatMap((line) => placements.map((placement) => placePayload(line, placement)));
    expect(flagged(place(benign))).toEqual([]);
    expect(flagged(place(controls))).toHaveLength(controls.length * placements.length);
  });

  it("flags none of the other classes' attacks (SQL, XSS, traversal, command, Log4Shell, Shellshock, XXE)", () => {
    const attacks = payloadClasses().flatMap((name) =>
      readLines(join(payloadCorpusDir, name, 'true-positives.txt')),
    );
    expect(attacks.length).toBeGreaterThan(10_000);
    expect(flagged(attacks.map((line) => placePayload(line, 'json')))).toEqual([]);
  });
});

describe.skipIf(!existsSync(wordList))("nosql-injection on Debian's word list", () => {
  it('flags no word as a query or JSON parameter name or value (fifty words a request)', () => {
    const words = readLines(wordList);
    expect(words.length).toBeGreaterThan(50_000);
    const events: ProtocolEvent[] = [];
    for (let i = 0; i < words.length; i += 50) {
      const batch = words.slice(i, i + 50);
      const query = batch.map((w) => `${encodeURIComponent(w)}=${encodeURIComponent(w)}`).join('&');
      events.push(httpRequest(`/login?${query}`));
      const body = JSON.stringify(Object.fromEntries(batch.map((w) => [w, { [w]: w }])));
      events.push(httpRequest('/api/login', { body, headers: [['Content-Type', 'application/json']] }));
    }
    expect(flagged(events)).toEqual([]);
    expect(flagged([httpRequest('/login?user[$ne]=x')])).toHaveLength(1);
  });
});
