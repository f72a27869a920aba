/**
 * Redis turned against its host (MITRE ATT&CK T1190, T1505): the documented exploitation chains of an exposed Redis.
 * Its dump written where it becomes code (`CONFIG SET dir /root/.ssh`, `CONFIG SET dbfilename authorized_keys`,
 * `SAVE`: an SSH key, a cron job, a web shell); a module loaded (`MODULE LOAD`, code in the server's process, the end
 * of the rogue-master chain); Lua escaping its sandbox (`package.loadlib`, `io.popen`: CVE-2022-0543); the server made
 * a replica of another host (the rogue master's first step, and Sentinel's failover: a lower severity on its own);
 * and protections turned off (`protected-mode no`, protected configs, the module command). One finding per connection.
 * Each command is judged once the server's answer is read (the parser pairs them by order): surer when it succeeded,
 * less sure, and said, when it was refused (an ACL's NOPERM, protected mode's DENIED, a protected config's ERR); as
 * sent when its answer is not seen (a one-sided capture, replies past the first 8 KiB).
 */
import type { z } from 'zod';
import { type EventRead, readsRequests } from '../engine/event-read.ts';
import type { RedisCommandEvent, RedisReplyEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { type Ask, judges, type Outcome, type Place, type Verdict } from './redis-abuse-judges.ts';
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

/**
 * Per connection: the dump's place and the master, the judged commands whose answers are awaited (oldest first), and
 * the server's refusal of the whole connection (an error before any command: protected mode's DENIED).
 */
type State = Place & { asks?: Ask[]; refusedAll?: Outcome };

/** Judged commands awaiting their answers; one more settles the oldest as unanswered. */
const maxAsks = 16;
/** An answer later than this after its command (capture time) is not waited for by the next event of the flow. */
const answerWaitMs = 2_000;
/**
 * The first replies, where an attack's answers lie (an INFO reply is 5 KB on Redis 7, and then the attack's own):
 * reading every reply to the end would parse long ones (a COMMAND reply is 86 KB) on every connection (ADR 0009).
 */
const replyBytes = 8 * 1024;
const unseen: Outcome = { said: 'unknown' };

const severityOf = (kind: Verdict['kind'], c: Config): ThreatHit['severity'] | 'off' =>
  kind === 'code' ? c.severity : kind === 'replication' ? c.replication : c.protections;

/** Judges the oldest awaited command with its outcome (its effect on the place applied in order). */
const settle = (state: State, outcome: Outcome, c: Config, hits: ThreatHit[]): void => {
  const ask = state.asks?.shift();
  if (ask === undefined) return;
  const verdict = judges[ask.command]?.judge(ask, outcome, state);
  if (verdict === undefined) return;
  const severity = severityOf(verdict.kind, c);
  if (severity === 'off') return;
  hits.push({
    threat: 'redis-abuse',
    severity,
    confidence: verdict.confidence,
    evidence: `a client ${verdict.story}`,
    ts: ask.ts,
  });
};

/** Settles as unanswered the awaited commands sent more than `answerWaitMs` before `now` (all, with Infinity). */
const settleOverdue = (state: State, now: number, c: Config, hits: ThreatHit[]): void => {
  while ((state.asks?.[0]?.ts ?? now) < now - answerWaitMs) settle(state, unseen, c, hits);
};

const outcomeOf = (event: RedisReplyEvent): Outcome =>
  event.outcome === 'ok'
    ? { said: 'ok' }
    : event.outcome === 'error'
      ? { said: 'refused', error: event.error ?? 'ERR' }
      : unseen;

/** An answer: the commands before it settle as unanswered (their answers were lost), its own with its outcome. */
const answered = (event: RedisReplyEvent, state: State, c: Config): ThreatHit[] => {
  if (event.command === '') {
    state.refusedAll = outcomeOf(event);
    return noHits;
  }
  const hits: ThreatHit[] = [];
  while ((state.asks?.[0]?.seq ?? event.seq) < event.seq) settle(state, unseen, c, hits);
  if (state.asks?.[0]?.seq === event.seq) settle(state, outcomeOf(event), c, hits);
  return hits;
};

const asked = (event: RedisCommandEvent, state: State, c: Config): ThreatHit[] => {
  const hits: ThreatHit[] = [];
  settleOverdue(state, event.ts, c, hits);
  const read = judges[event.command]?.read(event.command, event.args);
  if (read === undefined) return hits;
  state.asks ??= [];
  if (state.asks.length >= maxAsks) settle(state, unseen, c, hits);
  state.asks.push({ seq: event.seq, ts: event.ts, command: event.command, ...read });
  if (state.refusedAll !== undefined) settle(state, state.refusedAll, c, hits);
  return hits;
};

const replies: EventRead = {
  kind: 'redis-reply',
  directions: ['to-client'],
  depth: 'first',
  bytes: replyBytes,
  protocols: ['redis'],
};

export const redisAbuse: Threat<typeof config, State> = {
  id: 'redis-abuse',
  on: ['redis-command', 'redis-reply', 'flow-end'],
  reads: [{ ...readsRequests('redis-command'), protocols: ['redis'] }, replies],
  config,
  scope: 'flow',
  initialState: () => ({}),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind === 'flow-end') {
      if (state.asks === undefined || state.asks.length === 0) return noHits;
      const hits: ThreatHit[] = [];
      settleOverdue(state, Number.POSITIVE_INFINITY, c, hits);
      return hits;
    }
    if (event.kind === 'redis-reply') return answered(event, state, c);
    if (event.kind !== 'redis-command' || event.direction !== 'to-server') return noHits;
    if (judges[event.command] === undefined && state.asks === undefined) return noHits;
    if (isAllowedServer(flow?.client, c.allowClients)) return noHits;
    return asked(event, state, c);
  },
};
