/**
 * What the detectors' corpus tests share: the payload corpus's benign and attack lines (`../shared/corpus/payloads`),
 * each line in every placement, Debian's word list in batches, and the evidence that detectors give on events.
 */
import { join } from 'node:path';
import {
  payloadClasses,
  payloadCorpusDir,
  placements,
  placePayload,
  readLines,
} from '#bench/payloads-report.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { runThreat } from './threat-factories.ts';

type Detector = Parameters<typeof runThreat>[0];

/** Every line of one file kind over all the corpus's classes. */
const corpusLines = (file: 'false-positives.txt' | 'true-positives.txt'): string[] =>
  payloadClasses().flatMap((name) => readLines(join(payloadCorpusDir, name, file)));

/** The benign lines of every class. */
export const benignLines = (): string[] => corpusLines('false-positives.txt');
/** The attacks of every class. */
export const attackLines = (): string[] => corpusLines('true-positives.txt');

/** Each line as a request in each of the corpus test's placements. */
export const everywhere = (lines: readonly string[]): ProtocolEvent[] =>
  lines.flatMap((line) => placements.map((placement) => placePayload(line, placement)));

/** Evidence of every hit of the detectors on the events, one event at a time; prefixed by its threat when asked. */
export const flaggedBy =
  (detectors: readonly Detector[], named = false) =>
  (events: readonly ProtocolEvent[]): string[] =>
    events.flatMap((event) =>
      detectors.flatMap((detector) =>
        runThreat(detector, [event]).map((hit) => (named ? `${hit.threat}: ${hit.evidence}` : hit.evidence)),
      ),
    );

/** The words in batches of `size` (fifty words a request keeps a run of 100,000 words quick). */
export const wordBatches = (words: readonly string[], size = 50): string[][] => {
  const batches: string[][] = [];
  for (let i = 0; i < words.length; i += size) batches.push(words.slice(i, i + size));
  return batches;
};

/** `a=a&b=b…` of the words, each encoded. */
export const wordQuery = (words: readonly string[]): string =>
  words.map((w) => `${encodeURIComponent(w)}=${encodeURIComponent(w)}`).join('&');
