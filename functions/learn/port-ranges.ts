/** Collapses many single-port rules between one pair into range rules, so rules grow with edges, not ports. */
import type { Rule } from '#core/rule.ts';
import { peerKey } from '#functions/platform/store/store.ts';
import { ruleId } from './merge-edge.ts';

/** Ports closer than this belong to one range (ephemeral or passive-mode port pools are dense). */
const maxGap = 1024;

export type Collapsed = { put: Rule[]; removed: string[] };

const pairKey = (rule: Rule) =>
  [peerKey(rule.from), peerKey(rule.to), rule.transport, rule.protocol].join('|');

const clusters = (rules: Rule[]): Rule[][] => {
  const sorted = [...rules].sort((a, b) => a.port - b.port);
  const out: Rule[][] = [];
  for (const rule of sorted) {
    const last = out.at(-1);
    const prev = last?.at(-1);
    if (last !== undefined && prev !== undefined && rule.port - (prev.portEnd ?? prev.port) <= maxGap)
      last.push(rule);
    else out.push([rule]);
  }
  return out;
};

const rangeOf = (members: Rule[]): Rule => {
  const first = members[0] as Rule;
  const port = Math.min(...members.map((r) => r.port));
  const portEnd = Math.max(...members.map((r) => r.portEnd ?? r.port));
  const range: Rule = {
    ...first,
    id: ruleId({ ...first, port }, `range-${portEnd}`),
    port,
    portEnd,
    hits: members.reduce((sum, r) => sum + r.hits, 0),
    firstSeen: members.map((r) => r.firstSeen).sort()[0] ?? first.firstSeen,
    lastSeen:
      members
        .map((r) => r.lastSeen)
        .sort()
        .at(-1) ?? first.lastSeen,
  };
  delete range.http;
  return range;
};

/** Learned rules of one pair whose distinct ports reach `threshold` within a dense span become one range. */
export const collapsePortRanges = (rules: readonly Rule[], threshold: number): Collapsed => {
  const byPair = new Map<string, Rule[]>();
  for (const rule of rules) {
    if (rule.source !== 'learned') continue;
    byPair.set(pairKey(rule), [...(byPair.get(pairKey(rule)) ?? []), rule]);
  }
  const result: Collapsed = { put: [], removed: [] };
  for (const members of [...byPair.values()].flatMap(clusters)) {
    const ports = members.reduce((n, r) => n + (r.portEnd ?? r.port) - r.port + 1, 0);
    if (ports < threshold || members.length < 2) continue;
    const range = rangeOf(members);
    result.put.push(range);
    result.removed.push(...members.map((r) => r.id).filter((id) => id !== range.id));
  }
  return result;
};
