/**
 * NoSQL injection (OWASP WSTG-INPV-05.6): MongoDB operators in request inputs (`user[$ne]=`, `{"password":
 * {"$ne":null}}`, `{"$where": …}`), and server-side JavaScript sent to MongoDB itself (`$where`, `$function`,
 * `$accumulator`, mapReduce), by what it does.
 */
import { z } from 'zod';
import type { Severity } from '#core/finding.ts';
import { readsRequests } from '../engine/event-read.ts';
import type { OperationEvent, ProtocolEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { formSighting, inputsSighting, type Sighting, stronger } from './nosql-injection-inputs.ts';
import { javascriptHarm } from './nosql-injection-javascript.ts';
import { eventInputs } from './text/event-inputs.ts';
import { formTexts } from './text/form-names.ts';
import { ignoreList, isIgnored } from './text/ignored-inputs.ts';
import { detectorConfig, type FlowContext, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /**
   * Report comparison operators ($ne, $gt, $regex, ...) outside login fields and paths too, at low severity. APIs that
   * take MongoDB-style filters on purpose (Strapi's `filters[price][$gt]`, Feathers, Parse) send them: turn it off
   * for those, or ignore their inputs.
   */
  comparisonsElsewhere: z.boolean().default(true),
  /** Input locations (`query`, `json`, `cookie`, ...) to leave alone, by prefix. */
  ignore: ignoreList(),
  /**
   * Clients expected to send MongoDB server-side JavaScript (a reporting job's mapReduce or $where): an address,
   * address:port, CIDR or CIDR:port. Their JavaScript is reported only when it does harm (sleeps, loops forever, ...).
   */
  allowJavascriptClients: allowList(),
});
type Config = z.infer<typeof config>;

const javascriptOperators = ['$where', '$function', '$accumulator'];

const hit = (severity: Severity, confidence: number, evidence: string, ts: number): ThreatHit[] => [
  { threat: 'nosql-injection', severity, confidence, evidence, ts },
];

/** Whether the octets hold `$` or its escape `%24`: looked at before a form body is made text. */
const holdsDollar = (bytes: Uint8Array): boolean => {
  if (bytes.indexOf(0x24) >= 0) return true;
  for (let i = bytes.indexOf(0x25); i >= 0; i = bytes.indexOf(0x25, i + 1))
    if (bytes[i + 1] === 0x32 && bytes[i + 2] === 0x34) return true;
  return false;
};

/** A request's operators: query and form names read whole, then every input with a `$`. */
const requestSighting = (event: ProtocolEvent): Sighting | undefined => {
  if (event.kind !== 'http-request') return inputsSighting(eventInputs(event), '');
  const path = event.path;
  let best: Sighting | undefined;
  for (const [text, place] of formTexts(event, holdsDollar))
    best = stronger(best, formSighting(text, place, path));
  if (best !== undefined && best.level === 3) return best;
  return stronger(best, inputsSighting(eventInputs(event), path));
};

const levels: readonly (readonly [Severity | 'policy', number])[] = [
  ['low', 0.5],
  ['policy', 0.85],
  ['policy', 0.9],
  ['critical', 0.95],
];

const requestHit = (event: ProtocolEvent, c: Config): ThreatHit[] => {
  const found = requestSighting(event);
  if (found === undefined || (found.level === 0 && !c.comparisonsElsewhere)) return noHits;
  if (isIgnored(found.where, c.ignore)) return noHits;
  const [severity, confidence] = levels[found.level] as (typeof levels)[number];
  const evidence = `${found.reason} — ${found.where}: ${found.value.slice(0, 200)}`;
  return hit(severity === 'policy' ? c.severity : severity, confidence, evidence, event.ts);
};

/** The operator (or mapReduce) that runs the request's JavaScript, if any. */
const carrierOf = ({ operators, javascript, operation }: OperationEvent): string | undefined =>
  operators?.find((op) => javascriptOperators.includes(op)) ??
  (javascript !== undefined && operation.toLowerCase() === 'mapreduce' ? 'mapReduce' : undefined);

/** The first code string that does harm, and what it does; else the first one. */
const harmOf = (code: readonly string[]): { harm: string | undefined; shown: string } => {
  for (const text of code) {
    const harm = javascriptHarm(text);
    if (harm !== undefined) return { harm, shown: text };
  }
  return { harm: undefined, shown: code[0] ?? '' };
};

/**
 * MongoDB's own requests: JavaScript run on the server is reported by what it does (critical when it sleeps, loops,
 * escapes its sandbox or calls the database), and at all, less surely, from a client not expected to send any.
 */
const wireHit = (event: OperationEvent, flow: FlowContext | undefined, c: Config): ThreatHit[] => {
  if (event.protocol !== 'mongodb' || (event.javascript === undefined && event.operators === undefined))
    return noHits;
  const carrier = carrierOf(event);
  if (carrier === undefined) return noHits;
  const { harm, shown } = harmOf(event.javascript ?? []);
  if (harm === undefined && isAllowedServer(flow?.client, c.allowJavascriptClients)) return noHits;
  const target = event.detail === undefined ? '' : ` on ${event.detail}`;
  const story = harm === undefined ? 'from a client not listed as running JavaScript' : `that ${harm}`;
  const what = `MongoDB ${event.operation}${target} with server-side JavaScript (${carrier})`;
  const evidence = `${what} ${story}: ${shown.slice(0, 200)}`;
  return harm === undefined
    ? hit('medium', 0.7, evidence, event.ts)
    : hit('critical', 0.95, evidence, event.ts);
};

export const nosqlInjection: Threat<typeof config, undefined> = {
  id: 'nosql-injection',
  on: ['http-request', 'websocket-message', 'operation'],
  // Attacks come from clients: only client→server events; MongoDB operations only on MongoDB flows.
  reads: [
    readsRequests('http-request'),
    readsRequests('websocket-message'),
    { ...readsRequests('operation'), protocols: ['mongodb'] },
  ],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind === 'packet' || event.kind === 'flow-end' || event.direction !== 'to-server')
      return noHits;
    if (event.kind === 'operation') return wireHit(event, flow, c);
    if (event.kind !== 'http-request' && event.kind !== 'websocket-message') return noHits;
    return requestHit(event, c);
  },
};
