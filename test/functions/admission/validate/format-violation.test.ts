/** Violation text: warnings never exceed 120 characters whatever the input; denial lines carry every fact. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckIssue } from '#functions/admission/checks/check.ts';
import { denialLine, maxWarningLength, warningLine } from '#functions/admission/validate/format-violation.ts';
import type { Verdict } from '#functions/admission/validate/verdict.ts';
import { policySet, policyYaml } from './review-factory.ts';

const [policy] = policySet(
  policyYaml('a-policy-with-a-rather-long-name', 'warn', '  check: {id: privileged}'),
).policies;
const verdict = (issue: CheckIssue, note?: string): Verdict => {
  if (policy === undefined) throw new Error('no policy');
  const base: Verdict = { policy, check: 'privileged', result: 'fail', issues: [issue] };
  return note === undefined ? base : { ...base, note };
};
const issue = (message: string, path: string): CheckIssue => ({
  code: 'c',
  path,
  message,
  value: 'true',
  allowed: 'false',
  fix: 'set it to false',
});

describe('warningLine', () => {
  it('keeps policy, message and path when they fit', () => {
    expect(
      warningLine(
        verdict(issue('container "a" must not set privileged=true', 'spec.containers[0]')),
        issue('m', 'p'),
      ),
    ).toBe('a-policy-with-a-rather-long-name: m at p');
  });

  it('never exceeds 120 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 }), (message, path) => {
        const i = issue(message, path);
        expect(warningLine(verdict(i), i).length).toBeLessThanOrEqual(maxWarningLength);
      }),
    );
  });
});

describe('denialLine', () => {
  it('names policy, check, path, message, value, allowed values, fix, and an expired exception', () => {
    const i = issue(
      'container "app" must not set securityContext.privileged=true',
      'spec.template.spec.containers[0].securityContext.privileged',
    );
    expect(denialLine(verdict(i, 'PolicyException x expired at 2026-01-01T00:00:00.000Z'), i)).toBe(
      '[a-policy-with-a-rather-long-name/privileged] spec.template.spec.containers[0].securityContext.privileged: container "app" must not set securityContext.privileged=true (value true; allowed: false; fix: set it to false) [PolicyException x expired at 2026-01-01T00:00:00.000Z]',
    );
  });
});
