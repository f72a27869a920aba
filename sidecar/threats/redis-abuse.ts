/**
 * Redis turned against its host (MITRE ATT&CK T1190, T1505): the documented exploitation chains of an exposed Redis.
 * Its dump written where it becomes code (`CONFIG SET dir /root/.ssh`, `CONFIG SET dbfilename authorized_keys`,
 * `SAVE`: an SSH key, a cron job, a web shell); a module loaded (`MODULE LOAD`, code in the server's process, the end
 * of the rogue-master chain); Lua escaping its sandbox (`package.loadlib`, `io.popen`: CVE-2022-0543); the server made
 * a replica of another host (the rogue master's first step, and Sentinel's failover: a lower severity on its own);
 * and protections turned off (`protected-mode no`, protected configs, the module command). One finding per connection.
 */
import type { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** The server made a replica of another (`REPLICAOF`, `SLAVEOF`): Sentinel does it at failover. */
  replication: severityOrOff.default('medium'),
  /** A protection turned off (`protected-mode no`, protected configs or the module command allowed). */
  protections: severityOrOff.default('high'),
  /** Clients allowed to do all of it (Sentinels, an operator's pod): an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowClients: allowList(),
});

type Config = z.infer<typeof config>;

/** Per connection: where the dump would be written, and whether the server was made a replica. */
type State = { dir?: string; file?: string; replicaOf?: string };

/** Where a dump file becomes code or a login: SSH keys, cron, web roots, shell start-up files, system directories. */
const dangerousPlace =
  /(?:\/\.ssh\b|authorized_keys|\/cron|crontab|\/var\/www|\/html\b|\.php$|\.jsp$|\.bashrc|\.profile|^\/etc\b|^\/root\b|^\/usr\b|^\/bin\b)/i;
const luaEscape =
  /\bpackage\.loadlib\b|\bio\.popen\b|\bos\.execute\b|\bluaopen_(?:io|os)\b|\bdofile\b|\bloadfile\b/;
const protections: Record<string, RegExp> = {
  'protected-mode': /^no$/i,
  'enable-protected-configs': /^(?:yes|local)$/i,
  'enable-module-command': /^(?:yes|local)$/i,
  'enable-debug-command': /^(?:yes|local)$/i,
};

type Verdict = { kind: 'code' | 'replication' | 'protection'; confidence: number; story: string };

/** `CONFIG SET name value [name value ...]`: the dump's place remembered, protections judged. */
const configSet = (args: readonly string[], state: State): Verdict | undefined => {
  let verdict: Verdict | undefined;
  for (let i = 1; i + 1 < args.length; i += 2) {
    const name = (args[i] ?? '').toLowerCase();
    const value = args[i + 1] ?? '';
    if (name === 'dir') state.dir = value;
    else if (name === 'dbfilename') state.file = value;
    else if (protections[name]?.test(value))
      verdict = { kind: 'protection', confidence: 0.8, story: `set ${name} ${value}` };
  }
  const place = dumpPlace(state);
  if ((state.dir !== undefined || state.file !== undefined) && dangerousPlace.test(place))
    return {
      kind: 'code',
      confidence: 0.8,
      story: `pointed its dump at ${place.slice(0, 120)} (CONFIG SET)`,
    };
  return verdict;
};

const dumpPlace = (state: State): string => `${state.dir ?? '.'}/${state.file ?? 'dump.rdb'}`;

const saved = (command: string, state: State): Verdict | undefined =>
  (state.dir !== undefined || state.file !== undefined) && dangerousPlace.test(dumpPlace(state))
    ? {
        kind: 'code',
        confidence: 1,
        story: `wrote its dump to ${dumpPlace(state).slice(0, 120)} (${command})`,
      }
    : undefined;

const moduleLoaded = (args: readonly string[], state: State): Verdict | undefined => {
  if ((args[0] ?? '').toUpperCase() !== 'LOAD') return undefined;
  const after = state.replicaOf === undefined ? '' : `, after replicating from ${state.replicaOf}`;
  return {
    kind: 'code',
    confidence: 1,
    story: `loaded the module ${(args[1] ?? '').slice(0, 120)}${after} (MODULE LOAD)`,
  };
};

const lua = (command: string, args: readonly string[]): Verdict | undefined =>
  luaEscape.test(args.join(' '))
    ? {
        kind: 'code',
        confidence: 0.9,
        story: `ran Lua that reaches outside its sandbox (${command}, CVE-2022-0543)`,
      }
    : undefined;

const replicated = (command: string, args: readonly string[], state: State): Verdict | undefined => {
  if ((args[0] ?? '').toUpperCase() === 'NO') return undefined;
  state.replicaOf = `${args[0] ?? ''}:${args[1] ?? ''}`;
  return {
    kind: 'replication',
    confidence: 0.6,
    story: `made it a replica of ${state.replicaOf} (${command})`,
  };
};

type Judge = (command: string, args: readonly string[], state: State) => Verdict | undefined;

/** The commands read, each with its judge; any other command says nothing. */
const judges: Readonly<Record<string, Judge>> = {
  CONFIG: (_, args, state) => ((args[0] ?? '').toUpperCase() === 'SET' ? configSet(args, state) : undefined),
  SAVE: (command, _, state) => saved(command, state),
  BGSAVE: (command, _, state) => saved(command, state),
  MODULE: (_, args, state) => moduleLoaded(args, state),
  EVAL: lua,
  EVAL_RO: lua,
  SCRIPT: lua,
  REPLICAOF: replicated,
  SLAVEOF: replicated,
};

const severityOf = (kind: Verdict['kind'], c: Config): ThreatHit['severity'] | 'off' =>
  kind === 'code' ? c.severity : kind === 'replication' ? c.replication : c.protections;

export const redisAbuse: Threat<typeof config, State> = {
  id: 'redis-abuse',
  on: ['redis-command'],
  reads: [{ ...readsRequests('redis-command'), protocols: ['redis'] }],
  config,
  scope: 'flow',
  initialState: () => ({}),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'redis-command' || event.direction !== 'to-server') return noHits;
    const judge = judges[event.command];
    if (judge === undefined || isAllowedServer(flow?.client, c.allowClients)) return noHits;
    const verdict = judge(event.command, event.args, state);
    if (verdict === undefined) return noHits;
    const severity = severityOf(verdict.kind, c);
    if (severity === 'off') return noHits;
    return [
      {
        threat: 'redis-abuse',
        severity,
        confidence: verdict.confidence,
        evidence: `a client ${verdict.story}`,
        ts: event.ts,
      },
    ];
  },
};
