/** The response to one finding: matching rules, mutes, rate limits and de-duplication, then each rule's actions in order. */
import type { ActionResult } from './action.ts';
import type { ActionTarget } from './action-target.ts';
import { alertTitle } from './alerts/alert-title.ts';
import { audit } from './audit.ts';
import { activeMute } from './mutes/active-mute.ts';
import { alertLabels } from './mutes/alert-labels.ts';
import type { RespondDeps } from './respond-deps.ts';
import type { ResponseFinding } from './response-finding.ts';
import { matchingRules } from './rules/match-rules.ts';
import type { ResponseRule, RuleStep } from './rules/response-rule-schema.ts';
import { runAction } from './run-action.ts';

export type RuleRun = { rule: string; limited?: string; results: ActionResult[] };

const windowStart = (now: string, seconds: number): string =>
  new Date(Math.floor(Date.parse(now) / (seconds * 1000)) * seconds * 1000).toISOString();

/** Why the rule's actions other than alerts are held back this time, if they are. */
const limitOf = async (
  rule: ResponseRule,
  labels: Record<string, string>,
  now: string,
  deps: RespondDeps,
): Promise<string | undefined> => {
  if (rule.dedupe !== undefined) {
    const key = `dedupe:${rule.id}:${rule.dedupe.by.map((name) => labels[name] ?? '').join('|')}`;
    const seen = await deps.store.hit(key, windowStart(now, rule.dedupe.windowSeconds));
    if (seen > 1) return `duplicate within ${rule.dedupe.windowSeconds}s (${seen} so far)`;
  }
  if (rule.rateLimit !== undefined) {
    const count = await deps.store.hit(`rate:${rule.id}`, windowStart(now, rule.rateLimit.perSeconds));
    if (count > rule.rateLimit.max)
      return `rate-limited: ${count} > ${rule.rateLimit.max} per ${rule.rateLimit.perSeconds}s`;
  }
  return undefined;
};

const skipped = (action: string, why: string): ActionResult => ({
  action,
  status: 'skipped',
  applied: [],
  notes: [why],
});

const stepTarget = (rule: ResponseRule, finding: ResponseFinding, now: string, previous: ActionResult[]) => ({
  actor: `rule:${rule.id}`,
  reason: `${rule.id}: ${alertTitle(finding)}`,
  now,
  finding,
  ...(finding.pod === undefined ? {} : { pod: finding.pod }),
  ...(finding.group === undefined ? {} : { group: finding.group }),
  previous: [...previous],
  rule: rule.id,
});

const runStep = async (
  rule: ResponseRule,
  step: RuleStep,
  target: Omit<ActionTarget, 'podState'>,
  holdBack: string | undefined,
  deps: RespondDeps,
): Promise<ActionResult> => {
  const action = deps.actions.find((candidate) => candidate.id === step.action);
  if (action === undefined) {
    return { action: step.action, status: 'failed', applied: [], notes: [], error: 'unknown action' };
  }
  if (holdBack !== undefined && action.whenLimited !== 'run') return skipped(action.id, holdBack);
  return runAction(
    action,
    { params: step.params, target, dryRun: rule.dryRun || step.dryRun },
    deps.actionDeps,
  );
};

const runRule = async (
  rule: ResponseRule,
  finding: ResponseFinding,
  now: string,
  deps: RespondDeps,
): Promise<RuleRun> => {
  const limited = await limitOf(rule, alertLabels(finding), now, deps);
  const results: ActionResult[] = [];
  let failedBefore: string | undefined;
  for (const step of rule.actions) {
    const target = stepTarget(rule, finding, now, results);
    const result =
      failedBefore === undefined
        ? await runStep(rule, step, target, limited, deps)
        : skipped(step.action, failedBefore);
    results.push(result);
    await audit(deps.store, deps.newId(), target, result);
    if (result.status === 'failed' && !step.ignoreErrors) failedBefore ??= `${step.action} failed before it`;
  }
  return { rule: rule.id, ...(limited === undefined ? {} : { limited }), results };
};

export const respondToFinding = async (
  finding: ResponseFinding,
  now: string,
  deps: RespondDeps,
): Promise<RuleRun[]> => {
  const labels = alertLabels(finding);
  const mute = activeMute(await deps.store.listMutes(now), labels, now, 'all');
  if (mute !== undefined) {
    await deps.store.countSuppressed(mute.id);
    const target = { actor: `mute:${mute.id}`, reason: mute.comment, now, finding };
    await audit(
      deps.store,
      deps.newId(),
      target,
      skipped('respond', `muted by ${mute.id} (${mute.createdBy})`),
    );
    return [];
  }
  const runs: RuleRun[] = [];
  for (const rule of matchingRules(deps.rules, finding, labels))
    runs.push(await runRule(rule, finding, now, deps));
  return runs;
};
