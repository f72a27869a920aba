/** Maps verdicts to the admission response: enforce denies listing every violation, warn warns, audit records. */
import type { AdmissionResponse } from '#core/admission-review.ts';
import type { AdmissionFinding } from '#core/finding.ts';
import { denialLine, warningLine } from './format-violation.ts';
import { describeRef, type ResourceRef } from './resource-ref.ts';
import type { Verdict } from './verdict.ts';

export type ValidationResult = { response: AdmissionResponse; audit: AdmissionFinding[] };

const failed = (verdicts: readonly Verdict[], action: string) =>
  verdicts.filter((verdict) => verdict.result === 'fail' && verdict.policy.action === action);

const auditRecords = (verdicts: readonly Verdict[], resource: ResourceRef, now: Date): AdmissionFinding[] =>
  verdicts.flatMap((verdict) =>
    verdict.issues.map((issue) => ({
      type: 'admission' as const,
      policy: verdict.policy.name,
      check: verdict.check,
      action: 'audit' as const,
      resource,
      path: issue.path,
      message: denialLine(verdict, issue).slice(0, 1024),
      at: now.toISOString(),
    })),
  );

const auditAnnotations = (verdicts: readonly Verdict[]): Record<string, string> =>
  Object.fromEntries(
    verdicts.map((verdict) => [
      `${verdict.policy.name}`,
      verdict.issues
        .map((issue) => `${issue.path}=${issue.value}`)
        .join('; ')
        .slice(0, 1024),
    ]),
  );

export const buildResponse = (
  uid: string,
  verdicts: readonly Verdict[],
  resource: ResourceRef,
  options: { now: Date; dryRun: boolean; extraWarnings?: string[] },
): ValidationResult => {
  const response: AdmissionResponse = { uid, allowed: true };
  const denied = failed(verdicts, 'enforce');
  if (denied.length > 0) {
    const lines = denied.flatMap((verdict) =>
      verdict.issues.map((issue) => `- ${denialLine(verdict, issue)}`),
    );
    response.allowed = false;
    response.status = {
      code: 403,
      reason: 'Forbidden',
      message: `meshward denied ${describeRef(resource)}: ${lines.length} violation${lines.length === 1 ? '' : 's'} of enforced policies\n${lines.join('\n')}`,
    };
  }
  const warnings = [
    ...(options.extraWarnings ?? []),
    ...failed(verdicts, 'warn').flatMap((verdict) =>
      verdict.issues.map((issue) => warningLine(verdict, issue)),
    ),
  ];
  if (warnings.length > 0) response.warnings = warnings;
  const audited = failed(verdicts, 'audit');
  // A dry run must leave no trace: no findings, no audit annotations.
  if (options.dryRun || audited.length === 0) return { response, audit: [] };
  response.auditAnnotations = auditAnnotations(audited);
  return { response, audit: auditRecords(audited, resource, options.now) };
};
