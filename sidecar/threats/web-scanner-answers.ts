/** `web-scanner` on an answer: forced browsing, a refused probe, a secret file served. */
import type { HttpResponseEvent } from '../events.ts';
import { decodedBody } from '../protocols/http-content-decoding.ts';
import { headerToken } from '../protocols/http-head.ts';
import { answerHolds } from './text/sensitive-paths.ts';
import { callersOf, noHits, type ThreatHit } from './threat.ts';
import { countAnswer, countProbe, type ScannerClient, scannerClient } from './web-scanner-client.ts';
import type { WebScannerConfig } from './web-scanner-config.ts';
import {
  type Context,
  type Found,
  listed,
  matchersFor,
  pathOf,
  probesFound,
  report,
  type State,
} from './web-scanner-reports.ts';
import { clearsCookie, shiroRefusal } from './web-scanner-shiro.ts';

type Answered = { miss: boolean; probe: boolean; exposed: Found | undefined; cleared: boolean };

/** What one answer shows of its caller's count: forced browsing, a refused probe, an exposure, Shiro key guessing. */
const judgeAnswer = (
  client: ScannerClient,
  event: HttpResponseEvent,
  path: string,
  refused: Answered,
  c: WebScannerConfig,
) => {
  const found: Found[] = refused.exposed === undefined ? [] : [refused.exposed];
  const guessing = refused.cleared ? shiroRefusal(client, event, c) : undefined;
  if (guessing !== undefined) found.push(guessing);
  const browsing = countAnswer(client, path, refused.miss, event.ts, c);
  if (browsing !== undefined && c.forcedBrowsing)
    found.push({
      label: 'forced browsing',
      severity: c.severity,
      confidence: 0.75,
      count: browsing.paths,
      evidence: `forced browsing: ${browsing.paths} distinct paths refused or missing (${browsing.missed} of ${browsing.answered} answers within ${c.windowMs} ms), e.g. ${listed(client.missedPaths)}`,
    });
  if (refused.probe && countProbe(client, path, event.ts, c) >= c.minProbes)
    found.push(probesFound(client, c));
  return found;
};

/** A secret path answered 200 with what the file holds. */
const exposureIn = (
  event: HttpResponseEvent,
  target: string,
  path: string,
  c: WebScannerConfig,
): Found | undefined => {
  const secret = matchersFor(c).secret(path);
  if (
    secret === undefined ||
    !answerHolds(secret, decodedBody(event) ?? event.body, headerToken(event.headers, 'content-type'))
  )
    return undefined;
  const holds = secret.marker === undefined ? 'not an HTML page' : `holds "${secret.marker}"`;
  return {
    label: `exposure ${secret.path}`,
    severity: c.exposureSeverity,
    confidence: 0.95,
    evidence: `${event.request?.method ?? 'GET'} ${target.slice(0, 160)} answered 200 with the file (${holds}): an exposed secret`,
  };
};

export const scannerAnswer = (event: HttpResponseEvent, state: State, ctx: Context): ThreatHit[] => {
  const target = event.request?.target;
  if (target === undefined) return noHits;
  const c = ctx.config;
  const path = pathOf(target);
  const m = matchersFor(c);
  const refused: Answered = {
    miss: m.missStatuses.has(event.status),
    probe: c.probes && event.status >= 400 && m.probe(path) !== undefined,
    exposed: event.status === 200 ? exposureIn(event, target, path, c) : undefined,
    cleared: c.shiroGuessingSeverity !== 'off' && clearsCookie(event.headers, c.shiroCookie),
  };
  // A client's count starts at its first miss, refused probe, exposure or cleared Shiro cookie: ordinary clients cost
  // no state.
  const starts = refused.miss || refused.probe || refused.exposed !== undefined || refused.cleared;
  if (!starts && state.size === 0) return noHits;
  const hits: ThreatHit[] = [];
  for (const caller of callersOf(ctx.flow, event, ctx.proxies, c.allowClients)) {
    const client = starts ? state.upsert(caller.key, scannerClient) : state.get(caller.key);
    if (client === undefined) continue;
    const found = judgeAnswer(client, event, path, refused, c);
    if (found.length > 0) hits.push(...report(client, caller, found, event.ts, ctx));
  }
  return hits;
};
