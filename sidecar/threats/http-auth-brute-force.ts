/**
 * API password guessing and authorization probing: many refused requests from one client to one server within a
 * window. HTTP 401 and 403, and gRPC's UNAUTHENTICATED (16) and PERMISSION_DENIED (7), which a gRPC server sends with
 * HTTP status 200. Credential stuffing against a login endpoint, token guessing, or a stolen identity walking the
 * API for what it may reach, all look like this from the wire.
 */
import { z } from 'zod';
import { readsEvery } from '../engine/event-read.ts';
import type { HttpResponseEvent } from '../events.ts';
import { grpcStatusName, grpcStatusOf } from '../protocols/grpc-status.ts';
import { allowList } from './allowed-servers.ts';
import { callersOf, detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { advanceEpisode, episode } from './window/episode.ts';
import { addToRate, rateWindow } from './window/rate-window.ts';

const config = detectorConfig('high', {
  windowMs: z.number().int().positive().default(60_000),
  /**
   * Callers not counted (an address, CIDR, or either with :port): a prober, or a proxy that is not in the trusted
   * proxies and through which many callers fail.
   */
  allowClients: allowList(),
  /** Refused requests within the window that start an episode. */
  threshold: z.number().int().positive().default(20),
  /** HTTP statuses that refuse a caller. */
  statuses: z.array(z.number().int()).default([401, 403]),
  /** gRPC status codes that refuse a caller (7 PERMISSION_DENIED, 16 UNAUTHENTICATED). */
  grpcStatuses: z.array(z.number().int()).default([7, 16]),
});
type Config = z.infer<typeof config>;

/** How many distinct refusal labels a pair keeps for its evidence. */
const maxLabels = 8;

const pair = () => ({ rate: rateWindow(), episode: episode(), refusals: new Map<string, number>() });

/** `401`, `grpc UNAUTHENTICATED`, or undefined when the response does not refuse its caller. */
const refusal = (event: HttpResponseEvent, c: Config): string | undefined => {
  if (c.statuses.includes(event.status)) return String(event.status);
  const grpc = grpcStatusOf(event.headers);
  return grpc !== undefined && c.grpcStatuses.includes(grpc) ? `grpc ${grpcStatusName(grpc)}` : undefined;
};

const tally = (refusals: Map<string, number>): string =>
  [...refusals]
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ×${n}`)
    .join(', ');

export const httpAuthBruteForce: Threat<
  typeof config,
  ReturnType<typeof boundedMap<ReturnType<typeof pair>>>
> = {
  id: 'http-auth-brute-force',
  on: ['http-response'],
  // Every answer of a connection, however deep (ADR 58): a guesser may first pull a large page on the connection it
  // then guesses on. A download's body past the 8 KiB the reader keeps is let pass unread (http-pass.ts), so this
  // costs the answers' heads, not the downloads.
  reads: [readsEvery('http-response', ['to-client'])],
  config,
  scope: 'global',
  // One finding per attacked service: guessing at two APIs (ports) of one host are two episodes.
  episodes: 'service',
  initialState: () => boundedMap(4096),
  inspect(event, state, { flow, config: c, proxies }): ThreatHit[] {
    if (event.kind !== 'http-response' || flow === undefined) return noHits;
    const label = refusal(event, c);
    if (label === undefined) return noHits;
    const hits: ThreatHit[] = [];
    for (const caller of callersOf(flow, event, proxies, c.allowClients)) {
      const item = state.upsert(`${caller.key}>${flow.server.ip}:${flow.server.port}`, pair);
      if (item.refusals.has(label) || item.refusals.size < maxLabels)
        item.refusals.set(label, (item.refusals.get(label) ?? 0) + 1);
      const level = addToRate(item.rate, event.ts, c.windowMs);
      const count = advanceEpisode(item.episode, event.ts, level, c.threshold);
      if (count === 0) continue;
      hits.push({
        threat: 'http-auth-brute-force',
        severity: c.severity,
        confidence: 0.9,
        evidence: `${level} refused requests within ${c.windowMs} ms (${tally(item.refusals)})`,
        ts: event.ts,
        count,
        client: flow.client,
        server: flow.server,
        origin: caller.origin,
        originBy: caller.by,
      });
    }
    return hits;
  },
};
