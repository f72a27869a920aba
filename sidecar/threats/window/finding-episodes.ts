/** Merges hits into findings per key and episode: one finding grows its count and last-seen until a quiet gap ends it. */
import type { ThreatFinding } from '#core/finding.ts';
import { boundedMap } from './bounded-map.ts';

type Episode = { finding: ThreatFinding; first: number; last: number; dirty: boolean };

export type FindingEpisodes = {
  /** Adds one hit's finding (at capture time `ts`) to the episode under `key`. */
  add(key: string, ts: number, finding: ThreatFinding): void;
  /** Findings new or grown since the last drain; forgets episodes quiet for longer than the gap. */
  drain(now: number): ThreatFinding[];
};

const iso = (ts: number): string => new Date(Number.isFinite(ts) && ts >= 0 ? ts : 0).toISOString();
const story = ({ evidence, confidence, severity }: ThreatFinding) => ({ evidence, confidence, severity });

export const findingEpisodes = (gapMs: number, maxEpisodes = 16_384): FindingEpisodes => {
  const episodes = boundedMap<Episode>(maxEpisodes);
  const closed: ThreatFinding[] = [];
  return {
    add(key, ts, finding) {
      const found = episodes.get(key);
      if (found !== undefined && ts - found.last <= gapMs && ts >= found.first - gapMs) {
        found.finding.count += finding.count;
        // A surer hit of the same episode (a window verdict after a single-event hint) tells the story better.
        if (finding.confidence > found.finding.confidence) Object.assign(found.finding, story(finding));
        found.last = Math.max(found.last, ts);
        found.finding.lastSeen = iso(found.last);
        found.dirty = true;
        return;
      }
      if (found?.dirty === true) closed.push({ ...found.finding });
      episodes.delete(key);
      episodes.upsert(key, () => ({ finding, first: ts, last: ts, dirty: true }));
    },
    drain(now) {
      const out = closed.splice(0, closed.length);
      for (const [key, episode] of [...episodes.entries()]) {
        if (episode.dirty) out.push({ ...episode.finding });
        episode.dirty = false;
        if (now - episode.last > gapMs) episodes.delete(key);
      }
      return out;
    },
  };
};
