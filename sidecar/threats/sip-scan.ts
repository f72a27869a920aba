/**
 * SIP scanning (MITRE ATT&CK T1595, the prelude of VoIP toll fraud): a request whose User-Agent names a scanner
 * (SIPVicious's `friendly-scanner`, sipcli, VaxSIPUserAgent...) at `severity`; and extension enumeration, svwar's
 * pattern, at `enumerationSeverity`: one client asking a server about many distinct To users (REGISTER, OPTIONS or
 * INVITE), most of them refused (404 none such, 401 or 407 a password wanted, 403), which tells it the extensions that
 * exist whatever User-Agent it sends. Reads the operations the sip parser tells (sip-parser.ts): requests for their
 * agent, final answers for the To user of the request they answer. Its password guessing is db-auth-brute-force's.
 */
import type { Endpoint } from '#core/finding.ts';
import { readsEvery } from '../engine/event-read.ts';
import type { SipFacts } from '../events.ts';
import { agentPattern, type SipScanConfig, sipScanConfig } from './sip-scan-config.ts';
import { type Caller, callersOf, noHits, type Threat, type ThreatHit } from './threat.ts';
import { type BoundedMap, boundedMap } from './window/bounded-map.ts';
import { addDistinct, countDistinct, type DistinctWindow, distinctWindow } from './window/distinct-window.ts';

/** Per client and server: the distinct users refused, otherwise answered, and asked for a password; reports made. */
type Asker = {
  refused: DistinctWindow;
  answered: DistinctWindow;
  challenged: DistinctWindow;
  reported: Map<string, number>;
  /** The scanner its User-Agent last named, for the enumeration's story. */
  tool?: string;
};
type State = BoundedMap<Asker>;

const asker = (): Asker => ({
  refused: distinctWindow(),
  answered: distinctWindow(),
  challenged: distinctWindow(),
  reported: new Map(),
});

/** True when `label` was not reported for this asker within the window (and marks it reported now). */
const due = (item: Asker, label: string, ts: number, windowMs: number): boolean => {
  const last = item.reported.get(label);
  if (last !== undefined && ts - last < windowMs && ts >= last) return false;
  if (item.reported.size >= 16) item.reported.clear();
  item.reported.set(label, ts);
  return true;
};

type Judged = {
  state: State;
  c: SipScanConfig;
  client: Endpoint;
  server: Endpoint;
  callers: readonly Caller[];
};

const hit = (j: Judged, caller: Caller, severity: ThreatHit['severity'], evidence: string, ts: number) => ({
  threat: 'sip-scan',
  severity,
  confidence: 0.9,
  evidence,
  ts,
  client: j.client,
  server: j.server,
  origin: caller.origin,
  originBy: caller.by,
});

const scanner = (j: Judged, sip: SipFacts, agent: string, ts: number): ThreatHit[] => {
  const named = agentPattern(j.c.userAgents).exec(agent);
  if (named === null) return noHits;
  const tool = (named[1] as string).toLowerCase();
  const hits: ThreatHit[] = [];
  for (const caller of j.callers) {
    const item = j.state.upsert(`${caller.key}>${j.server.ip}`, asker);
    item.tool = tool;
    if (!due(item, `agent ${tool}`, ts, j.c.windowMs)) continue;
    const evidence = `SIP scanner ${tool} (User-Agent "${agent.slice(0, 96)}") sent ${sip.method} to ${j.server.ip}:${j.server.port}`;
    hits.push(hit(j, caller, j.c.severity, evidence, ts));
  }
  return hits;
};

const enumeration = (j: Judged, status: number, user: string, ts: number): ThreatHit[] => {
  const { c } = j;
  const refused = c.refusedStatuses.includes(status);
  const hits: ThreatHit[] = [];
  for (const caller of j.callers) {
    const item = j.state.upsert(`${caller.key}>${j.server.ip}`, asker);
    if (!refused) {
      addDistinct(item.answered, user, ts, c.windowMs, c.minUsers * 4);
      continue;
    }
    const users = addDistinct(item.refused, user, ts, c.windowMs, c.minUsers * 4);
    const challenged =
      status === 401 || status === 407
        ? addDistinct(item.challenged, user, ts, c.windowMs, c.minUsers * 4)
        : countDistinct(item.challenged, ts, c.windowMs);
    const answered = countDistinct(item.answered, ts, c.windowMs);
    if (users < c.minUsers || users < c.minRefusedShare * (users + answered)) continue;
    if (!due(item, 'enumeration', ts, c.windowMs) || c.enumerationSeverity === 'off') continue;
    const evidence =
      `SIP extension enumeration: ${users} distinct users asked of ${j.server.ip}:${j.server.port} refused within ` +
      `${c.windowMs} ms (${answered} otherwise answered); ${challenged} of them asked for a password, so they exist` +
      (item.tool === undefined ? '' : `; its User-Agent names ${item.tool}`);
    // Surer than a User-Agent, which anyone can write: the episode's story when both are told.
    hits.push({ ...hit(j, caller, c.enumerationSeverity, evidence, ts), confidence: 0.95, count: users });
  }
  return hits;
};

export const sipScan: Threat<typeof sipScanConfig, State> = {
  id: 'sip-scan',
  on: ['operation'],
  // Requests for their agent, answers for the users they refuse: both directions, every message.
  reads: [{ ...readsEvery('operation'), protocols: ['sip'] }],
  config: sipScanConfig,
  scope: 'global',
  initialState: () => boundedMap<Asker>(4096),
  inspect(event, state, { flow, config: c, proxies }): ThreatHit[] {
    if (event.kind !== 'operation' || event.sip === undefined || flow === undefined) return noHits;
    const sip = event.sip;
    const status = sip.status;
    const asking = status === undefined && event.direction === 'to-server' && sip.agent !== undefined;
    const user = status !== undefined && status >= 200 ? sip.answers?.toUser : undefined;
    // Most messages are neither: an answer to another side's request, a provisional answer, a request without agent.
    if (!asking && (user === undefined || event.direction !== 'to-client')) return noHits;
    const callers = callersOf(flow, event, proxies, c.allowClients);
    if (callers.length === 0) return noHits;
    const j: Judged = { state, c, client: flow.client, server: flow.server, callers };
    return asking
      ? scanner(j, sip, sip.agent as string, event.ts)
      : enumeration(j, status as number, user as string, event.ts);
  },
};
