/** "Allow": turns a violation into a manual rule, so the same traffic is inside the baseline from now on. */
import type { Rule } from '#core/rule.ts';
import type { Store } from '#functions/platform/store/store.ts';

export type AllowResult = { ok: true; rule: Rule } | { ok: false; reason: 'not-found' | 'not-a-violation' };

export const allowViolation = async (
  store: Store,
  violationId: string,
  now: string,
): Promise<AllowResult> => {
  const record = await store.getFinding(violationId);
  if (record === undefined) return { ok: false, reason: 'not-found' };
  if (record.kind !== 'violation' || record.proposal === undefined)
    return { ok: false, reason: 'not-a-violation' };
  const existing = await store.getRule(record.proposal.id);
  const rule: Rule = existing ?? {
    ...record.proposal,
    source: 'manual',
    hits: 0,
    firstSeen: now,
    lastSeen: now,
  };
  if (existing === undefined) await store.putRules([rule]);
  return { ok: true, rule };
};
