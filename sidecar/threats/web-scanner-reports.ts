/** What the `web-scanner` detector's parts share: its matchers per policy, what a finding is, one report per window. */
import type { Severity } from '#core/finding.ts';
import { callbackMatcher } from './text/callback-domains.ts';
import { pathMatcher } from './text/sensitive-paths.ts';
import type { Caller, FlowContext, ThreatContext, ThreatHit } from './threat.ts';
import { dueReport, type ScannerClient, type scannerClients } from './web-scanner-client.ts';
import type { WebScannerConfig } from './web-scanner-config.ts';
import type { DistinctWindow } from './window/distinct-window.ts';

export const webScannerId = 'web-scanner';

/** The policy's lists, made into matchers once per configuration. */
const matchersOf = (c: WebScannerConfig) => ({
  callback: callbackMatcher(c.callbackDomains, c.sharedCallbackDomains),
  secret: pathMatcher(c.secretPaths),
  probe: pathMatcher(c.probePaths.map((path) => ({ path }))),
  missStatuses: new Set(c.missStatuses),
});
type Matchers = ReturnType<typeof matchersOf>;
const matchers = new WeakMap<WebScannerConfig, Matchers>();
export const matchersFor = (c: WebScannerConfig): Matchers => {
  let found = matchers.get(c);
  if (found === undefined) {
    found = matchersOf(c);
    matchers.set(c, found);
  }
  return found;
};

export type State = ReturnType<typeof scannerClients>;
export type Context = ThreatContext<WebScannerConfig> & { flow: FlowContext };
/** What one event found, to report per caller: a label (one report per window), severity, confidence, story. */
export type Found = {
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
  threat: webScannerId,
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
export const report = (
  client: ScannerClient,
  caller: Caller,
  found: readonly Found[],
  ts: number,
  ctx: Context,
) => {
  const hits: ThreatHit[] = [];
  for (const f of found)
    if (f.severity !== 'off' && dueReport(client, f.label, ts, ctx.config.windowMs))
      hits.push(hitFor(f, f.severity, caller, ts, ctx.flow));
  return hits;
};

export const pathOf = (target: string): string => {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
};

export const listed = (window: DistinctWindow): string =>
  (window.seen === undefined ? [String(window.one)] : [...window.seen.keys()].map(String))
    .slice(0, 8)
    .join(', ');

export const probesFound = (client: ScannerClient, c: WebScannerConfig): Found => ({
  label: 'probes',
  severity: c.severity,
  confidence: 0.8,
  evidence: `probes of ${c.minProbes} or more sensitive paths within ${c.windowMs} ms: ${listed(client.probes)}`,
});
