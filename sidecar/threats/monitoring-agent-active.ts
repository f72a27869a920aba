/**
 * Zabbix's active checks for monitoring-agent-abuse: the agent connects to its server, which answers `active checks`
 * with the item keys the agent is to run (`items` on the answer), and the agent sends their values back as `agent
 * data` (`items` on the request: keys whose values it sent, not those it marked unsupported). A server that hands an
 * agent `system.run[...]` makes it run a command (`commandSeverity`, high); agent data carrying a command's value shows
 * it ran (`severity`, critical); a sensitive file key handed out, or its contents sent back, is `fileSeverity`.
 * `allowServers` (the real Zabbix server or proxy) quiets remote commands only. Once per flow for each key and
 * direction.
 */
import type { Endpoint, Severity } from '#core/finding.ts';
import type { OperationEvent } from '../events.ts';
import { parseItemKey } from '../protocols/zabbix-item-key.ts';
import { isAllowedServer } from './allowed-servers.ts';
import { sensitiveEntry } from './text/agent-file-paths.ts';
import { noHits, type ThreatHit } from './threat.ts';

export type ActiveConfig = {
  commandKeys: readonly string[];
  fileKeys: readonly string[];
  sensitivePaths: readonly string[];
  severity: Severity;
  commandSeverity: Severity | 'off';
  fileSeverity: Severity | 'off';
  allowServers: readonly string[];
};

type Flow = { client: Endpoint; server: Endpoint } | undefined;
/** A judged item key: a remote command or a sensitive path, with its first parameter (`what`). */
export type ItemJudgement = { kind: 'command' | 'file'; key: string; what: string };
type KeyLists = Pick<ActiveConfig, 'commandKeys' | 'fileKeys' | 'sensitivePaths'>;

const maxShown = 200;
/** A command or path as shown in evidence: whole up to 200 characters. */
export const shown = (text: string): string =>
  text.length <= maxShown ? text : `${text.slice(0, maxShown)}…`;
const at = (e: Endpoint | undefined): string => (e === undefined ? 'its peer' : `${e.ip}:${e.port}`);

/**
 * What an item key asks for, when it is judged: a remote command (unless `allowed`, the other side being an intended
 * Zabbix server) or a sensitive path. Passive and active checks are judged by it alike.
 */
export const judgeItemKey = (key: string, c: KeyLists, allowed: boolean): ItemJudgement | undefined => {
  const parsed = parseItemKey(key);
  if (parsed === undefined) return undefined;
  const { name } = parsed;
  const what = parsed.params[0] ?? '';
  if (c.commandKeys.includes(name)) return allowed ? undefined : { kind: 'command', key: name, what };
  if (!c.fileKeys.includes(name) || sensitiveEntry(what, c.sensitivePaths) === undefined) return undefined;
  return { kind: 'file', key: name, what };
};

/** The evidence: what the server handed the agent (to-client), or what the agent sent back (to-server). */
const told = (handed: boolean, found: ItemJudgement, flow: Flow): string => {
  const agent = flow?.client.ip ?? 'its client';
  if (found.kind === 'file')
    return handed
      ? `the Zabbix server at ${at(flow?.server)} handed the agent at ${agent} an active check to read ${shown(found.what)} (${found.key}), a sensitive path`
      : `the Zabbix agent at ${agent} sent the server at ${at(flow?.server)} the contents of ${shown(found.what)} (${found.key}), a sensitive path`;
  return handed
    ? `the Zabbix server at ${at(flow?.server)} handed the agent at ${agent} an active check to run \`${shown(found.what)}\` (${found.key})`
    : `the Zabbix agent at ${agent} sent the server at ${at(flow?.server)} the output of \`${shown(found.what)}\` (${found.key}): remote commands are enabled and ran`;
};

const hit = (event: OperationEvent, key: string, c: ActiveConfig, flow: Flow): ThreatHit | undefined => {
  const found = judgeItemKey(key, c, isAllowedServer(flow?.server, c.allowServers));
  if (found === undefined) return undefined;
  const handed = event.direction === 'to-client';
  const severity = found.kind === 'file' ? c.fileSeverity : handed ? c.commandSeverity : c.severity;
  if (severity === 'off') return undefined;
  const evidence = told(handed, found, flow);
  return { threat: 'monitoring-agent-abuse', severity, confidence: handed ? 0.9 : 1, evidence, ts: event.ts };
};

/** The hits for an event's active check items not yet reported on this flow (`reported` holds `direction key`). */
export const activeItemHits = (
  event: OperationEvent,
  reported: Set<string>,
  c: ActiveConfig,
  flow: Flow,
): ThreatHit[] => {
  if (event.items === undefined) return noHits;
  const hits: ThreatHit[] = [];
  for (const key of event.items) {
    const seen = `${event.direction} ${key}`;
    if (reported.has(seen)) continue;
    const found = hit(event, key, c, flow);
    if (found === undefined) continue;
    reported.add(seen);
    hits.push(found);
  }
  return hits;
};
