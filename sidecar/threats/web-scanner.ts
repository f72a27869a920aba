/**
 * Web vulnerability scanners and what they leave behind, per client: a request naming its tool (Nikto, sqlmap, Nuclei
 * and others by user-agent, header or probe path), forced browsing (many distinct paths answered 404 or 403, most of
 * what the client was answered), probes of secret files (`/.git/config`, `/.env`, `/actuator/heapdump`), one of them
 * answered with the file (an exposure), and out-of-band callback domains (interactsh, Burp Collaborator) in a request
 * value, or looked up by the pod itself: a blind payload that ran. One report per client, kind and window.
 */
import type { Severity } from '#core/finding.ts';
import { readsEvery, readsFirst, readsRequests } from '../engine/event-read.ts';
import type { DnsMessageEvent, HttpRequestEvent, HttpResponseEvent } from '../events.ts';
import { headerToken } from '../protocols/http-head.ts';
import { around, type CallbackMatch, callbackMatcher } from './text/callback-domains.ts';
import { eventInputs } from './text/event-inputs.ts';
import { scannerMark } from './text/scanner-fingerprints.ts';
import { answerHolds, pathMatcher } from './text/sensitive-paths.ts';
import {
  type Caller,
  callersOf,
  type FlowContext,
  noHits,
  type Threat,
  type ThreatContext,
  type ThreatHit,
} from './threat.ts';
import {
  countAnswer,
  countProbe,
  dueReport,
  type ScannerClient,
  scannerClient,
  scannerClients,
} from './web-scanner-client.ts';
import { type WebScannerConfig, webScannerConfig } from './web-scanner-config.ts';
import type { DistinctWindow } from './window/distinct-window.ts';

const id = 'web-scanner';

/** The policy's lists, made into matchers once per configuration. */
const matchersOf = (c: WebScannerConfig) => ({
  callback: callbackMatcher(c.callbackDomains, c.sharedCallbackDomains),
  secret: pathMatcher(c.secretPaths),
  probe: pathMatcher(c.probePaths.map((path) => ({ path }))),
  missStatuses: new Set(c.missStatuses),
});
type Matchers = ReturnType<typeof matchersOf>;
const matchers = new WeakMap<WebScannerConfig, Matchers>();
const matchersFor = (c: WebScannerConfig): Matchers => {
  let found = matchers.get(c);
  if (found === undefined) {
    found = matchersOf(c);
    matchers.set(c, found);
  }
  return found;
};

type State = ReturnType<typeof scannerClients>;
type Context = ThreatContext<WebScannerConfig> & { flow: FlowContext };
/** What one event found, to report per caller: a label (one report per window), severity, confidence, story. */
type Found = {
  label: string;
  severity: Severity | 'off';
  confidence: number;
  evidence: string;
  count?: number;
};

const hitFor = (
  found: Found,
  severity: Severity,
  caller: Caller,
  ts: number,
  flow: FlowContext,
): ThreatHit => ({
  threat: id,
  severity,
  confidence: found.confidence,
  evidence: found.evidence,
  ts,
  count: found.count ?? 1,
  client: flow.client,
  server: flow.server,
  origin: caller.origin,
  originBy: caller.by,
});

/** Reports each finding once per caller and window. */
const report = (client: ScannerClient, caller: Caller, found: readonly Found[], ts: number, ctx: Context) => {
  const hits: ThreatHit[] = [];
  for (const f of found)
    if (f.severity !== 'off' && dueReport(client, f.label, ts, ctx.config.windowMs))
      hits.push(hitFor(f, f.severity, caller, ts, ctx.flow));
  return hits;
};

const pathOf = (target: string): string => {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
};

const listed = (window: DistinctWindow): string =>
  (window.seen === undefined ? [String(window.one)] : [...window.seen.keys()].map(String))
    .slice(0, 8)
    .join(', ');

const callbackFound = (match: CallbackMatch, where: string, text: string, c: WebScannerConfig): Found => ({
  label: `callback ${match.domain}`,
  severity: match.tier === 'callback' ? c.callbackSeverity : c.sharedCallbackSeverity,
  confidence: match.tier === 'callback' ? 0.9 : 0.5,
  evidence: `an out-of-band callback domain (${match.domain}) in ${where}: ${around(text, match.at)}`,
});

/** The callback domain a request's values name, if any: one expression per value. */
const callbackIn = (event: HttpRequestEvent, m: Matchers, c: WebScannerConfig): Found | undefined => {
  for (const input of eventInputs(event)) {
    const match = m.callback(input.decoded);
    if (match !== undefined) return callbackFound(match, input.where, input.decoded, c);
  }
  return undefined;
};

const probesFound = (client: ScannerClient, c: WebScannerConfig): Found => ({
  label: 'probes',
  severity: c.severity,
  confidence: 0.8,
  evidence: `probes of ${c.minProbes} or more sensitive paths within ${c.windowMs} ms: ${listed(client.probes)}`,
});

const onRequest = (event: HttpRequestEvent, state: State, ctx: Context): ThreatHit[] => {
  const c = ctx.config;
  const m = matchersFor(c);
  const mark = c.fingerprints ? scannerMark(event.path, event.headers) : undefined;
  const named = mark !== undefined && !c.ignoreTools.includes(mark.tool) ? mark : undefined;
  const secret = c.probes ? m.secret(event.path) : undefined;
  const callback = callbackIn(event, m, c);
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

/** What one answer shows of its caller's count: forced browsing, a refused probe. */
const judgeAnswer = (
  client: ScannerClient,
  event: HttpResponseEvent,
  path: string,
  miss: boolean,
  c: WebScannerConfig,
) => {
  const found: Found[] = [];
  const browsing = countAnswer(client, path, miss, event.ts, c);
  if (browsing !== undefined && c.forcedBrowsing)
    found.push({
      label: 'forced browsing',
      severity: c.severity,
      confidence: 0.75,
      count: browsing.paths,
      evidence: `forced browsing: ${browsing.paths} distinct paths refused or missing (${browsing.missed} of ${browsing.answered} answers within ${c.windowMs} ms), e.g. ${listed(client.missedPaths)}`,
    });
  const refusedProbe = c.probes && event.status >= 400 && matchersFor(c).probe(path) !== undefined;
  if (refusedProbe && countProbe(client, path, event.ts, c) >= c.minProbes)
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
  if (secret === undefined || !answerHolds(secret, event.body, headerToken(event.headers, 'content-type')))
    return undefined;
  const holds = secret.marker === undefined ? 'not an HTML page' : `holds "${secret.marker}"`;
  return {
    label: `exposure ${secret.path}`,
    severity: c.exposureSeverity,
    confidence: 0.95,
    evidence: `${event.request?.method ?? 'GET'} ${target.slice(0, 160)} answered 200 with the file (${holds}): an exposed secret`,
  };
};

const onResponse = (event: HttpResponseEvent, state: State, ctx: Context): ThreatHit[] => {
  const target = event.request?.target;
  if (target === undefined) return noHits;
  const c = ctx.config;
  const path = pathOf(target);
  const miss = matchersFor(c).missStatuses.has(event.status);
  const exposed = event.status === 200 ? exposureIn(event, target, path, c) : undefined;
  // A client's count starts at its first miss or exposure: ordinary clients cost no state.
  const starts = miss || exposed !== undefined;
  if (!starts && state.size === 0) return noHits;
  const hits: ThreatHit[] = [];
  for (const caller of callersOf(ctx.flow, event, ctx.proxies, c.allowClients)) {
    const client = starts ? state.upsert(caller.key, scannerClient) : state.get(caller.key);
    if (client === undefined) continue;
    const found = judgeAnswer(client, event, path, miss, c);
    if (exposed !== undefined) found.push(exposed);
    if (found.length > 0) hits.push(...report(client, caller, found, event.ts, ctx));
  }
  return hits;
};

/** The pod looking up a callback domain: the payload it was sent ran. */
const onDns = (event: DnsMessageEvent, state: State, ctx: Context): ThreatHit[] => {
  if (event.isResponse || event.direction !== 'to-server') return noHits;
  const c = ctx.config;
  const hits: ThreatHit[] = [];
  for (const question of event.questions) {
    const match = matchersFor(c).callback(question.name);
    if (match === undefined) continue;
    for (const caller of callersOf(ctx.flow, undefined, undefined, c.allowClients)) {
      const found: Found = {
        label: `lookup ${match.domain}`,
        severity: match.tier === 'callback' ? c.callbackLookupSeverity : c.sharedCallbackLookupSeverity,
        confidence: match.tier === 'callback' ? 0.95 : 0.6,
        evidence: `${ctx.flow.client.ip} looked up ${question.name.slice(0, 160)} (${question.type}), an out-of-band callback domain (${match.domain}): a blind SSRF, RCE or XXE payload ran`,
      };
      hits.push(...report(state.upsert(`dns ${caller.key}`, scannerClient), caller, [found], event.ts, ctx));
    }
  }
  return hits;
};

export const webScanner: Threat<typeof webScannerConfig, State> = {
  id,
  on: ['http-request', 'http-response', 'dns-message'],
  // Every request (fingerprints, probes, callback domains); the first answers of each connection (32 KiB: a scanner's
  // 404s are small, so a hundred or more per connection), as http-auth-brute-force reads them; every DNS question.
  reads: [
    readsRequests('http-request'),
    readsFirst('http-response'),
    readsEvery('dns-message', ['to-server']),
  ],
  config: webScannerConfig,
  scope: 'global',
  initialState: scannerClients,
  inspect(event, state, context): ThreatHit[] {
    if (context.flow === undefined) return noHits;
    const ctx = context as Context;
    if (event.kind === 'http-request' && event.direction === 'to-server') return onRequest(event, state, ctx);
    if (event.kind === 'http-response') return onResponse(event, state, ctx);
    if (event.kind === 'dns-message') return onDns(event, state, ctx);
    return noHits;
  },
};
