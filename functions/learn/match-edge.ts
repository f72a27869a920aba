/** Checks an edge against the rules: allowed by one, or the nearest rule and why it did not match. */
import type { Rule } from '#core/rule.ts';
import { describePeer } from './describe-peer.ts';
import type { Edge } from './edge.ts';
import { pathMatches } from './path-templates.ts';
import { peerAllows } from './peer-allows.ts';

export type MatchResult = { allowed: true; rule: Rule } | { allowed: false; nearest?: Rule; reason: string };

type Check = (rule: Rule, edge: Edge) => string | undefined;

const portText = (rule: Rule) =>
  rule.portEnd === undefined ? `${rule.port}` : `${rule.port}-${rule.portEnd}`;

/** Each check returns why the rule does not cover the edge, or nothing; their order defines "nearest". */
const checks: readonly Check[] = [
  (rule, edge) => (peerAllows(rule.from, edge.from, edge.flow.client.ip) ? undefined : 'source differs'),
  (rule, edge) => (peerAllows(rule.to, edge.to, edge.flow.server.ip) ? undefined : 'destination differs'),
  (rule, edge) =>
    rule.transport === edge.transport
      ? undefined
      : `transport ${edge.transport} (rule allows ${rule.transport})`,
  (rule, edge) =>
    edge.port >= rule.port && edge.port <= (rule.portEnd ?? rule.port)
      ? undefined
      : `port ${edge.port} is not allowed (rule allows ${portText(rule)})`,
  (rule, edge) =>
    rule.protocol === edge.protocol || rule.protocol === 'unknown' || edge.protocol === 'unknown'
      ? undefined
      : `protocol ${edge.protocol} on port ${edge.port} (rule allows ${rule.protocol})`,
  (rule, edge) => {
    const allowed = rule.http?.methods;
    const extra = allowed === undefined ? [] : edge.methods.filter((m) => !allowed.includes(m));
    return extra.length === 0
      ? undefined
      : `method ${extra.join(', ')} is not allowed (rule allows ${allowed?.join(', ')})`;
  },
  (rule, edge) => {
    const templates = rule.http?.paths;
    if (templates === undefined || templates.length === 0) return undefined;
    const extra = edge.paths.filter((path) => !templates.some((t) => pathMatches(t, path)));
    return extra.length === 0
      ? undefined
      : `path ${extra.slice(0, 3).join(', ')} matches no learned path template`;
  },
  (rule, edge) => {
    const names = rule.dnsNames;
    const extra = names === undefined ? [] : edge.dnsNames.filter((n) => !names.includes(n));
    return extra.length === 0
      ? undefined
      : `DNS name ${extra.slice(0, 3).join(', ')} was never queried before`;
  },
];

const firstFailure = (rule: Rule, edge: Edge): { index: number; reason?: string } => {
  for (const [index, check] of checks.entries()) {
    const reason = check(rule, edge);
    if (reason !== undefined) return { index, reason };
  }
  return { index: checks.length };
};

export const matchEdge = (rules: readonly Rule[], edge: Edge): MatchResult => {
  let nearest: { rule: Rule; index: number; reason?: string } | undefined;
  for (const rule of rules) {
    const result = firstFailure(rule, edge);
    if (result.reason === undefined) return { allowed: true, rule };
    if (nearest === undefined || result.index > nearest.index) nearest = { rule, ...result };
  }
  const pair = `${describePeer(edge.from)} → ${describePeer(edge.to)}`;
  if (nearest === undefined || nearest.index < 2) return { allowed: false, reason: `no rule allows ${pair}` };
  return { allowed: false, nearest: nearest.rule, reason: `${pair}: ${nearest.reason}` };
};
