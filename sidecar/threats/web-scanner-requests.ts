/** `web-scanner` on a request: the tool it names, a secret path it asks for, a callback domain in its values. */
import type { HttpRequestEvent } from '../events.ts';
import { around, type CallbackMatch } from './text/callback-domains.ts';
import { eventInputs } from './text/event-inputs.ts';
import { scannerMark } from './text/scanner-fingerprints.ts';
import { callersOf, noHits, type ThreatHit } from './threat.ts';
import { countProbe, scannerClient } from './web-scanner-client.ts';
import type { WebScannerConfig } from './web-scanner-config.ts';
import {
  type Context,
  type Found,
  matchersFor,
  probesFound,
  report,
  type State,
} from './web-scanner-reports.ts';
import { countShiroCookie } from './web-scanner-shiro.ts';

const callbackFound = (match: CallbackMatch, where: string, text: string, c: WebScannerConfig): Found => ({
  label: `callback ${match.domain}`,
  severity: match.tier === 'callback' ? c.callbackSeverity : c.sharedCallbackSeverity,
  confidence: match.tier === 'callback' ? 0.9 : 0.5,
  evidence: `an out-of-band callback domain (${match.domain}) in ${where}: ${around(text, match.at)}`,
});

/** The callback domain a request's values name, if any: one expression per value. */
const callbackIn = (event: HttpRequestEvent, c: WebScannerConfig): Found | undefined => {
  for (const input of eventInputs(event)) {
    const match = matchersFor(c).callback(input.decoded);
    if (match !== undefined) return callbackFound(match, input.where, input.decoded, c);
  }
  return undefined;
};

export const scannerRequest = (event: HttpRequestEvent, state: State, ctx: Context): ThreatHit[] => {
  const c = ctx.config;
  countShiroCookie(event, state, ctx);
  const mark = c.fingerprints ? scannerMark(event.path, event.headers) : undefined;
  const named = mark !== undefined && !c.ignoreTools.includes(mark.tool) ? mark : undefined;
  const secret = c.probes ? matchersFor(c).secret(event.path) : undefined;
  const callback = callbackIn(event, c);
  if (named === undefined && secret === undefined && callback === undefined) return noHits;
  const hits: ThreatHit[] = [];
  for (const caller of callersOf(ctx.flow, event, ctx.proxies, c.allowClients)) {
    const client = state.upsert(caller.key, scannerClient);
    const found: Found[] = [];
    if (named !== undefined)
      found.push({
        label: `tool ${named.tool}`,
        severity: c.severity,
        confidence: 0.85,
        evidence: `${named.tool} scanning: ${named.marker}`,
      });
    if (secret !== undefined && countProbe(client, event.path, event.ts, c) >= c.minProbes)
      found.push(probesFound(client, c));
    if (callback !== undefined) found.push(callback);
    hits.push(...report(client, caller, found, event.ts, ctx));
  }
  return hits;
};
