/** Folds one edge into the rules: widen the rule that covers it (upgrading port-only to a protocol), or add one. */
import { createHash } from 'node:crypto';
import type { Rule } from '#core/rule.ts';
import { peerKey } from '#functions/platform/store/store.ts';
import { type Edge, samePeer } from './edge.ts';
import { earlier, later } from './iso-time.ts';
import type { LearnConfig } from './learn-config.ts';
import { templatePaths } from './path-templates.ts';

const httpLike = new Set(['http', 'http2', 'grpc']);

export const ruleId = (
  rule: Pick<Rule, 'from' | 'to' | 'transport' | 'port' | 'protocol'>,
  suffix = '',
): string =>
  `r-${createHash('sha256')
    .update(
      [peerKey(rule.from), peerKey(rule.to), rule.transport, rule.port, rule.protocol, suffix].join('|'),
    )
    .digest('hex')
    .slice(0, 16)}`;

/** The rule this edge belongs to: same ends, transport and port, and a compatible protocol. */
export const ruleFor = (rules: readonly Rule[], edge: Edge): Rule | undefined =>
  rules.find(
    (rule) =>
      samePeer(rule.from, edge.from) &&
      samePeer(rule.to, edge.to) &&
      rule.transport === edge.transport &&
      edge.port >= rule.port &&
      edge.port <= (rule.portEnd ?? rule.port) &&
      (rule.protocol === edge.protocol || rule.protocol === 'unknown' || edge.protocol === 'unknown'),
  );

const union = (a: readonly string[] | undefined, b: readonly string[]): string[] =>
  [...new Set([...(a ?? []), ...b])].sort();

const httpOf = (rule: Rule | undefined, edge: Edge, protocol: Rule['protocol'], config: LearnConfig) => {
  if (!httpLike.has(protocol)) return undefined;
  const methods = union(rule?.http?.methods, edge.methods);
  const paths = templatePaths([...(rule?.http?.paths ?? []), ...edge.paths], {
    minSiblings: config.pathParamMinSiblings,
    literalMax: config.pathLiteralMax,
    maxTemplates: config.maxPathsPerRule,
  });
  return methods.length === 0 && paths.length === 0 ? undefined : { methods, paths };
};

const withFacts = (base: Rule, rule: Rule | undefined, edge: Edge, config: LearnConfig): Rule => {
  const next: Rule = { ...base };
  delete next.http;
  delete next.dnsNames;
  const http = httpOf(rule, edge, base.protocol, config);
  if (http !== undefined) next.http = http;
  const dnsNames = union(rule?.dnsNames, edge.dnsNames).slice(0, config.maxDnsNamesPerRule);
  if (dnsNames.length > 0) next.dnsNames = dnsNames;
  return next;
};

export type Merged = { rule: Rule; created: boolean; widened: boolean };

export const mergeEdge = (rules: readonly Rule[], edge: Edge, config: LearnConfig): Merged => {
  const existing = ruleFor(rules, edge);
  if (existing === undefined) {
    const base: Rule = {
      id: ruleId(edge),
      from: edge.from,
      to: edge.to,
      transport: edge.transport,
      port: edge.port,
      protocol: edge.protocol,
      source: 'learned',
      hits: 1,
      firstSeen: edge.firstSeen,
      lastSeen: edge.lastSeen,
    };
    return { rule: withFacts(base, undefined, edge, config), created: true, widened: true };
  }
  const protocol = existing.protocol === 'unknown' ? edge.protocol : existing.protocol;
  const base: Rule = {
    ...existing,
    protocol,
    hits: existing.hits + 1,
    firstSeen: earlier(edge.firstSeen, existing.firstSeen),
    lastSeen: later(edge.lastSeen, existing.lastSeen),
  };
  const rule = withFacts(base, existing, edge, config);
  const facts = (r: Rule) => JSON.stringify([r.protocol, r.http, r.dnsNames]);
  return { rule, created: false, widened: facts(rule) !== facts(existing) };
};
