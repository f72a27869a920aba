/**
 * A monitoring agent turned into a remote shell or a file reader (MITRE ATT&CK T1059, T1552.001). Zabbix agents run
 * as DaemonSets on every node, often as root with the host's root mounted: one that allows `system.run` runs any
 * command its "server" asks for, and `vfs.file.contents` reads any file it can (a pod's service account token, the
 * node's /etc/shadow, the kubelet's credentials). Reads what zabbix-parser.ts tells of passive checks: a remote
 * command asked for (`commandSeverity`, high; `severity`, critical, when the agent answered with its output rather
 * than ZBX_NOTSUPPORTED: remote commands are enabled), naming the command; a file key (`fileKeys`) of a path under
 * `sensitivePaths` (`fileSeverity`, high). `allowClients` (the real Zabbix server) quiets remote commands only. Active
 * checks, where the agent asks its server what to run and sends the values back, are judged alike
 * (monitoring-agent-active.ts; `allowServers`).
 */
import { z } from 'zod';
import type { Endpoint } from '#core/finding.ts';
import { readsEvery } from '../engine/event-read.ts';
import type { OperationEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { activeItemHits, type ItemJudgement, judgeItemKey, shown } from './monitoring-agent-active.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** Item keys that run a command on the agent's host (its first parameter). */
  commandKeys: z.array(z.string().min(1)).default(['system.run']),
  /** A remote command asked for, refused or with its answer unseen. */
  commandSeverity: severityOrOff.default('high'),
  /** Item keys that hand over a file's contents or a directory's entries (their first parameter the path). */
  fileKeys: z
    .array(z.string().min(1))
    .default(['vfs.file.contents', 'vfs.file.get', 'vfs.file.regexp', 'vfs.dir.get']),
  /** Places whose contents are secrets: a directory ends in `/`; found anywhere in the path (a host mount). */
  sensitivePaths: z
    .array(z.string().min(2))
    .default([
      '/var/run/secrets/',
      '/run/secrets/',
      '/etc/shadow',
      '/etc/gshadow',
      '/etc/sudoers',
      '/etc/ssh/',
      '/.ssh/',
      '/root/',
      '/var/lib/kubelet/',
      '/etc/kubernetes/',
      '/var/lib/etcd/',
      '/.kube/config',
      '/.aws/credentials',
      '/.docker/config.json',
      '/proc/self/environ',
    ]),
  fileSeverity: severityOrOff.default('high'),
  /** Clients whose remote commands are intended (the Zabbix server, a proxy): an address, address:port, CIDR or CIDR:port. */
  allowClients: allowList(),
  /** Servers whose active checks may hand out remote commands (the Zabbix server, a proxy), as `allowClients`. */
  allowServers: allowList(),
});
type Config = z.infer<typeof config>;

/** A judged request whose answer is awaited: the agent answers each passive check on its connection, then closes. */
type Asked = ItemJudgement & { ts: number; where: string };
/** `reported`: the active check keys told on this flow, as `direction key`. */
type State = { asked: Asked | undefined; reported: Set<string> };

const place = (flow: { client: Endpoint; server: Endpoint } | undefined): string =>
  flow === undefined
    ? 'a client asked a Zabbix agent'
    : `${flow.client.ip} asked the Zabbix agent at ${flow.server.ip}:${flow.server.port}`;

/** The request as judged: a remote command, a sensitive file, or nothing. Each severity `off` is applied in settle. */
const judge = (event: OperationEvent, c: Config, client: Endpoint | undefined): ItemJudgement | undefined => {
  const bracket = event.operation.indexOf('[');
  const name = bracket < 0 ? event.operation : event.operation.slice(0, bracket);
  return judgeItemKey(`${name}[${event.detail ?? ''}]`, c, isAllowedServer(client, c.allowClients));
};

/** How the agent answered: `ok` with its length, `not supported: …`, `error: …`; undefined when unseen. */
const settle = (asked: Asked, answer: OperationEvent | undefined, c: Config): ThreatHit[] => {
  const ran = answer?.operation === 'ok';
  const outcome =
    answer === undefined
      ? 'its answer was not seen'
      : ran
        ? `it answered with ${answer.detail ?? 'a value'}`
        : `it refused (${answer.operation})`;
  const severity = asked.kind === 'file' ? c.fileSeverity : ran ? c.severity : c.commandSeverity;
  if (severity === 'off') return noHits;
  const request =
    asked.kind === 'command'
      ? `to run \`${shown(asked.what)}\` (${asked.key})${ran ? ': remote commands are enabled' : ''}`
      : `for ${shown(asked.what)} (${asked.key}), a sensitive path`;
  return [
    {
      threat: 'monitoring-agent-abuse',
      severity,
      confidence: ran ? 1 : 0.9,
      evidence: `${asked.where} ${request}; ${outcome}`,
      ts: asked.ts,
    },
  ];
};

export const monitoringAgentAbuse: Threat<typeof config, State> = {
  id: 'monitoring-agent-abuse',
  on: ['operation', 'flow-end'],
  reads: [{ ...readsEvery('operation'), protocols: ['zabbix'] }],
  config,
  scope: 'flow',
  initialState: () => ({ asked: undefined, reported: new Set() }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind === 'flow-end') {
      const asked = state.asked;
      state.asked = undefined;
      return asked === undefined ? noHits : settle(asked, undefined, c);
    }
    if (event.kind !== 'operation' || event.protocol !== 'zabbix') return noHits;
    if (event.items !== undefined) return activeItemHits(event, state.reported, c, flow);
    if (event.direction === 'to-client') {
      const asked = state.asked;
      state.asked = undefined;
      return asked === undefined ? noHits : settle(asked, event, c);
    }
    const hits = state.asked === undefined ? noHits : settle(state.asked, undefined, c);
    const judged = judge(event, c, flow?.client);
    state.asked = judged === undefined ? undefined : { ...judged, ts: event.ts, where: place(flow) };
    return hits;
  },
};
