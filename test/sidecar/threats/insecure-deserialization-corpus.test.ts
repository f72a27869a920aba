/**
 * insecure-deserialization against benign text: every false-positives.txt line of the payload corpus
 * (`../shared/corpus/payloads`) in each of the eight placements, the other classes' attacks (none serialized objects),
 * Debian's word list, honest look-alikes, and a million seeded random base64 tokens, plain and behind each format's
 * opening. The same harness flags a serialized object in every placement, so a zero here is not a detector that is off.
 */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { payloadCorpusDir, placements, placePayload, readLines, wordList } from '#bench/payloads-report.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { insecureDeserialization } from '#sidecar/threats/insecure-deserialization.ts';
import { deserializationVerdict } from '#sidecar/threats/text/deserialization-verdict.ts';
import { base64, javaStream, plainJavaObject } from '#test/fixtures/serialization/serialized-objects.ts';
import { attackLines, benignLines, everywhere, flaggedBy, wordBatches, wordQuery } from './corpus-harness.ts';
import { httpRequest } from './threat-factories.ts';

const flagged = flaggedBy([insecureDeserialization]);

/** A harness check: objects that are flagged in every placement. */
const controls = [
  base64(javaStream(plainJavaObject)),
  'O:8:"stdClass":0:{}',
  '!!python/object/apply:os.system ["id"]',
];

describe.skipIf(!existsSync(payloadCorpusDir))('insecure-deserialization on the payload corpus', () => {
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
    expect(flagged(attacks.map((line) => placePayload(line, 'query')))).toEqual([]);
  });
});

describe.skipIf(!existsSync(wordList))("insecure-deserialization on Debian's word list", () => {
  it('flags no word as a query or JSON parameter name or value (fifty words a request)', () => {
    const words = readLines(wordList);
    expect(words.length).toBeGreaterThan(50_000);
    const events: ProtocolEvent[] = [];
    for (const batch of wordBatches(words)) {
      events.push(httpRequest(`/find?${wordQuery(batch)}`));
      const body = JSON.stringify(Object.fromEntries(batch.map((w) => [w, [w, { [w]: w }]])));
      events.push(httpRequest('/api', { body, headers: [['Content-Type', 'application/json']] }));
    }
    expect(flagged(events)).toEqual([]);
  });
});

/** mulberry32: a seeded generator, so the measured count is the same on every run. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
};
const standard = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const urlSafe = `${standard.slice(0, 62)}-_`;

/** Random base64 of 8 to 263 characters, standard or URL-safe, padded as an encoder would. */
const randomToken = (random: () => number, prefix = ''): string => {
  const alphabet = random() < 0.5 ? standard : urlSafe;
  const length = 8 + Math.floor(random() * 256);
  let token = prefix;
  for (let i = 0; i < length; i++) token += alphabet[Math.floor(random() * 64)];
  return token.length % 4 === 0 || alphabet === urlSafe ? token : token + '='.repeat(4 - (token.length % 4));
};

describe('insecure-deserialization on random base64 tokens', () => {
  it('flags none of a million random tokens', () => {
    const random = seeded(0x5eed);
    let hits = 0;
    for (let i = 0; i < 1_000_000; i++) if (deserializationVerdict(randomToken(random)) !== undefined) hits++;
    console.log(`| random base64 tokens | 1000000 | flagged ${hits} |`);
    expect(hits).toBe(0);
  });

  it.each(['rO0AB', 'H4sIA', 'AAEAAAD/////', '/wEy', '/wEP', 'gASV', 'gAN', 'BAh', 'Tzo', 'YTo'])(
    'flags none of 20,000 random tokens opening with %s (the opening alone is not a format)',
    (prefix) => {
      const random = seeded(prefix.length * 7919);
      let hits = 0;
      for (let i = 0; i < 20_000; i++)
        if (deserializationVerdict(randomToken(random, prefix)) !== undefined) hits++;
      console.log(`| random base64 after ${prefix} | 20000 | flagged ${hits} |`);
      expect(hits).toBe(0);
    },
  );

  it('leaves honest look-alikes alone: JWTs, sessions, DTO types, JSON-LD, gzip of JSON, Rails cookies', () => {
    const lookAlikes = [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'a:1:{s:4:"user";s:5:"alice";}',
      'a:2:{s:4:"cart";a:1:{i:0;i:7;}s:4:"lang";s:2:"en";}',
      '{"$type":"MyApp.Models.Order, MyApp","id":7}',
      '{"@context":"https://schema.org","@type":"Product","name":"Lamp"}',
      base64(new Uint8Array(gzipSync(JSON.stringify({ items: [1, 2, 3], note: 'hello' })))),
      'BAh7B0kiD3Nlc3Npb25faWQGOgZFVEkiJWFiYzEyMw==--5f2b1c3d4e',
      '/wEPDwUKLTEyMzQ1Njc4OWRkZ2Vl',
      'Great offer!! Order now: O:12 items',
      'cost\nsystem\n',
    ];
    for (const value of lookAlikes) expect(deserializationVerdict(value), value).toBeUndefined();
  });
});
