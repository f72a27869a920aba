/**
 * Web vulnerability scanners and what they leave behind, per client: a request naming its tool (Nikto, sqlmap, Nuclei
 * and others by user-agent, header or probe path), forced browsing (many distinct paths answered 404 or 403, most of
 * what the client was answered), probes of secret files (`/.git/config`, `/.env`, `/actuator/heapdump`), one of them
 * answered with the file (an exposure), and out-of-band callback domains (interactsh, Burp Collaborator) in a request
 * value, or looked up by the pod itself: a blind payload that ran. One report per client, kind and window.
 */
import { readsEvery, readsRequests } from '../engine/event-read.ts';
import type { DnsMessageEvent } from '../events.ts';
import { callersOf, noHits, type Threat, type ThreatHit } from './threat.ts';
import { scannerAnswer } from './web-scanner-answers.ts';
import { scannerClient, scannerClients } from './web-scanner-client.ts';
import { webScannerConfig } from './web-scanner-config.ts';
import {
  type Context,
  type Found,
  matchersFor,
  report,
  type State,
  webScannerId,
} from './web-scanner-reports.ts';
import { scannerRequest } from './web-scanner-requests.ts';

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
  id: webScannerId,
  on: ['http-request', 'http-response', 'dns-message'],
  // Every request (fingerprints, probes, callback domains); every answer, however deep in its connection, as
  // http-auth-brute-force reads them (ADR 58: a scanner's 404s after a large page); every DNS question.
  reads: [
    readsRequests('http-request'),
    readsEvery('http-response', ['to-client']),
    readsEvery('dns-message', ['to-server']),
  ],
  config: webScannerConfig,
  scope: 'global',
  initialState: scannerClients,
  inspect(event, state, context): ThreatHit[] {
    if (context.flow === undefined) return noHits;
    const ctx = context as Context;
    if (event.kind === 'http-request' && event.direction === 'to-server')
      return scannerRequest(event, state, ctx);
    if (event.kind === 'http-response') return scannerAnswer(event, state, ctx);
    if (event.kind === 'dns-message') return onDns(event, state, ctx);
    return noHits;
  },
};
