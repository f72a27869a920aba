/** Renders violations for people: the full denial line, and admission warnings of at most 120 characters. */
import type { CheckIssue } from '../checks/check.ts';
import type { Verdict } from './verdict.ts';

export const maxWarningLength = 120;

const clamp = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** `[policy/check] path: message (value …; allowed: …; fix: …)` — everything needed to act on it. */
export const denialLine = (verdict: Verdict, issue: CheckIssue): string => {
  const expiry = verdict.note === undefined ? '' : ` [${verdict.note}]`;
  return `[${verdict.policy.name}/${verdict.check}] ${issue.path}: ${issue.message} (value ${issue.value}; allowed: ${issue.allowed}; fix: ${issue.fix})${expiry}`;
};

/** The most useful prefix that fits: policy, message and path; then policy and message; then truncated. */
export const warningLine = (verdict: Verdict, issue: CheckIssue): string => {
  const full = `${verdict.policy.name}: ${issue.message} at ${issue.path}`;
  if (full.length <= maxWarningLength) return full;
  return clamp(`${verdict.policy.name}: ${issue.message}`, maxWarningLength);
};
