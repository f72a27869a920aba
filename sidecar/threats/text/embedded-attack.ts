/** Builds a detector for an attack carried inside allowed traffic: judge every attacker-controllable value with a verdict function. */
import { z } from 'zod';
import type { Severity } from '#core/finding.ts';
import { readsRequests } from '../../engine/event-read.ts';
import type { ProtocolEvent, ProtocolEventKind } from '../../events.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from '../threat.ts';
import { eventInputs } from './event-inputs.ts';
import { ignoreList, isIgnored } from './ignored-inputs.ts';
import type { PayloadInput } from './payload-input.ts';
import { firstWindow } from './text-windows.ts';

export type Verdict = (decoded: string, input: PayloadInput) => string | undefined;

const snippetLength = 200;

const embeddedConfig = (severity: Severity) =>
  detectorConfig(severity, {
    /** Input locations (`header user-agent`, `cookie`, `query`, `json`, ...) to leave alone, by prefix. */
    ignore: ignoreList(),
    confidence: z.number().min(0).max(1).default(0.9),
  });
type EmbeddedConfig = z.infer<ReturnType<typeof embeddedConfig>>;

export type EmbeddedAttackOptions = {
  id: string;
  severity: Severity;
  verdict: Verdict;
  /** Event kinds whose inputs are judged (http-request, redis-command, operation). */
  on: readonly ProtocolEventKind[];
  /** Extra judgement for events that are not split into inputs (e.g. whole SQL statements). */
  inspectEvent?: (event: ProtocolEvent) => { reason: string; evidence: string } | undefined;
  /** The severity of one finding, from its reason and the policy's severity (the policy's when absent or undefined). */
  severityOf?: (reason: string, configured: Severity) => Severity | undefined;
};

/**
 * What the evidence shows of an input: its start, or for a long one the 256 characters the attack is in, so a value
 * padded past the first window (ADR 30) shows the attack, not the padding. Looked for on a hit only, in windows of
 * 1024 characters, then of 256 inside the one found; an attack longer than those shows the start.
 */
const snippet = (input: PayloadInput, verdict: Verdict): string => {
  const text = input.decoded;
  if (input.raw.length <= snippetLength || text.length <= 256) return input.raw.slice(0, snippetLength);
  const judge = (window: string) => verdict(window, input);
  const outer = firstWindow(text, 1024, judge)?.start;
  if (outer === undefined) return input.raw.slice(0, snippetLength);
  const inner = firstWindow(text.slice(outer, outer + 1024), 256, judge)?.start ?? 0;
  const from = outer + inner;
  const end = Math.min(from + 256, text.length);
  return `(characters ${from + 1} to ${end} of ${text.length}, decoded) ${text.slice(from, end)}`;
};

const judgeInputs = (
  event: ProtocolEvent,
  verdict: Verdict,
  config: EmbeddedConfig,
): { reason: string; evidence: string } | undefined => {
  for (const input of eventInputs(event)) {
    if (isIgnored(input.where, config.ignore)) continue;
    const reason = verdict(input.decoded, input);
    if (reason !== undefined) return { reason, evidence: `${input.where}: ${snippet(input, verdict)}` };
  }
  return undefined;
};

export const embeddedAttack = (
  options: EmbeddedAttackOptions,
): Threat<ReturnType<typeof embeddedConfig>, undefined> => ({
  id: options.id,
  on: options.on,
  // Attacks come from clients: only client→server events are judged (below), every one of them.
  reads: options.on.map(readsRequests),
  config: embeddedConfig(options.severity),
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config }): ThreatHit[] {
    if (event.kind === 'packet' || event.kind === 'flow-end' || event.direction !== 'to-server')
      return noHits;
    const found = options.inspectEvent?.(event) ?? judgeInputs(event, options.verdict, config);
    if (found === undefined) return noHits;
    return [
      {
        threat: options.id,
        severity: options.severityOf?.(found.reason, config.severity) ?? config.severity,
        confidence: config.confidence,
        evidence: `${found.reason} — ${found.evidence}`,
        ts: event.ts,
      },
    ];
  },
});
