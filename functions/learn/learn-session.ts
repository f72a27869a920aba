/** One batch's learning pass over its edges: match, learn in discover, otherwise record a violation. */
import type { Rule } from '#core/rule.ts';
import type { FindingRecord, GroupRecord } from '#functions/platform/store/store.ts';
import { describePeer } from './describe-peer.ts';
import type { Edge } from './edge.ts';
import { later } from './iso-time.ts';
import type { LearnConfig } from './learn-config.ts';
import { matchEdge } from './match-edge.ts';
import { mergeEdge } from './merge-edge.ts';
import { violationOf } from './violation-of.ts';

export type LearnSession = {
  config: LearnConfig;
  batchId: string;
  groups: Map<string, GroupRecord>;
  rules: Map<string, Rule>;
  changed: Set<string>;
  learnedGroups: Set<string>;
  violations: Map<string, FindingRecord>;
  created: number;
  widened: number;
};

export const newSession = (config: LearnConfig, batchId: string): LearnSession => ({
  config,
  batchId,
  groups: new Map(),
  rules: new Map(),
  changed: new Set(),
  learnedGroups: new Set(),
  violations: new Map(),
  created: 0,
  widened: 0,
});

export const groupEnds = (edge: Edge): string[] =>
  [edge.from, edge.to].filter((peer) => peer.type === 'group').map(describePeer);

const learn = (session: LearnSession, edge: Edge, ends: string[]): void => {
  const merged = mergeEdge([...session.rules.values()], edge, session.config);
  session.rules.set(merged.rule.id, merged.rule);
  session.changed.add(merged.rule.id);
  if (merged.created) session.created += 1;
  else if (merged.widened) session.widened += 1;
  if (merged.widened) for (const end of ends) session.learnedGroups.add(end);
};

const bumpHits = (session: LearnSession, rule: Rule, edge: Edge): void => {
  const current = session.rules.get(rule.id) ?? rule;
  session.rules.set(rule.id, {
    ...current,
    hits: current.hits + 1,
    lastSeen: later(edge.lastSeen, current.lastSeen),
  });
  session.changed.add(rule.id);
};

/** The group whose baseline an unmatched edge leaves: the reporter when frozen, else the first frozen end. */
const violatedGroup = (session: LearnSession, edge: Edge, ends: string[]): GroupRecord | undefined => {
  const frozen = ends
    .map((key) => session.groups.get(key))
    .filter((group): group is GroupRecord => group !== undefined && group.mode !== 'discover');
  return frozen.find((group) => group.key === edge.reporter?.group) ?? frozen[0];
};

/**
 * A rule is learned only while every workload at its ends is in discover: switching a group to monitor
 * freezes its baseline, whichever tap reports the flow. One violation per group, edge and reason per batch.
 */
export const judgeEdge = (session: LearnSession, edge: Edge): void => {
  const ends = groupEnds(edge);
  const match = matchEdge([...session.rules.values()], edge);
  const upgrade = match.allowed && match.rule.protocol === 'unknown' && edge.protocol !== 'unknown';
  if (match.allowed && !upgrade) {
    bumpHits(session, match.rule, edge);
    return;
  }
  const group = violatedGroup(session, edge, ends);
  if (group === undefined || match.allowed) {
    learn(session, edge, ends);
    return;
  }
  const input = { edge, group: group.key, mode: group.mode, reason: match.reason };
  const record = violationOf(
    match.nearest === undefined ? input : { ...input, nearest: match.nearest },
    session.batchId,
  );
  const key = [
    group.key,
    describePeer(edge.from),
    describePeer(edge.to),
    edge.port,
    edge.protocol,
    match.reason,
  ];
  const earlier = session.violations.get(key.join('|'));
  if (earlier === undefined || earlier.at > record.at) session.violations.set(key.join('|'), record);
};
