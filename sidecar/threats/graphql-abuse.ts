/**
 * GraphQL abuse in one request: the schema asked for (introspection, an attacker's first step against an API that
 * should not publish it), one field aliased many times (password guessing or one-time-code brute force past
 * per-request rate limits, or resource exhaustion), many operations batched together (the same, by batching), and
 * selections nested deep (a denial of service through the resolvers; a fragment cycle is infinitely deep).
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import { type GraphqlRequest, graphqlRequest } from '../protocols/http-graphql.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Report introspection queries (turn off where clients legitimately fetch the schema at run time). */
  introspection: z.boolean().default(true),
  /** One field aliased more often than this in one request. */
  maxAliases: z.number().int().min(1).default(10),
  /** More operations than this batched in one request. */
  maxBatch: z.number().int().min(1).default(10),
  /** Selections nested deeper than this. */
  maxDepth: z.number().int().min(1).default(12),
});
type Config = z.infer<typeof config>;

const reasons = (request: GraphqlRequest, c: Config): string[] => {
  const found: string[] = [];
  const { documents } = request;
  if (c.introspection && documents.some((d) => d.introspection))
    found.push('introspection (__schema or __type)');
  const aliased = documents
    .map((d) => d.mostAliased)
    .reduce((most, a) => (a !== undefined && a.count > (most?.count ?? 0) ? a : most), undefined);
  if (aliased !== undefined && aliased.count > c.maxAliases)
    found.push(`field ${aliased.field} aliased ${aliased.count} times`);
  if (documents.length > c.maxBatch) found.push(`${documents.length} operations batched`);
  const depth = Math.max(...documents.map((d) => d.depth));
  if (depth === Number.POSITIVE_INFINITY) found.push('a fragment cycle');
  else if (depth > c.maxDepth) found.push(`selections nested ${depth} deep`);
  return found;
};

export const graphqlAbuse: Threat<typeof config, undefined> = {
  id: 'graphql-abuse',
  on: ['http-request'],
  reads: [readsRequests('http-request')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'http-request' || event.direction !== 'to-server') return noHits;
    const request = graphqlRequest(event);
    if (request === undefined || request.documents.length === 0) return noHits;
    const found = reasons(request, c);
    if (found.length === 0) return noHits;
    const evidence = `${found.join('; ')} — ${event.method} ${event.path.slice(0, 120)}`;
    return [{ threat: 'graphql-abuse', severity: c.severity, confidence: 0.8, evidence, ts: event.ts }];
  },
};
