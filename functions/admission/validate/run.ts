/** The validating webhook, pure: an AdmissionReview and the loaded policies in, a response and audit records out. */
import type { AdmissionReview } from '#core/admission-review.ts';
import type { Config } from '#core/config.ts';
import { AppError, toAppError } from '#core/errors.ts';
import type { KubeObject } from '../checks/fields.ts';
import type { LoadedPolicySet } from '../policy/loaded-policy.ts';
import { buildResponse, type ValidationResult } from './build-response.ts';
import { evaluateObject } from './evaluate-object.ts';
import { resourceRef } from './resource-ref.ts';
import { securityRelevantChange } from './security-relevant-change.ts';

export type ValidateDeps = {
  policies: LoadedPolicySet;
  now: Date;
  config: Config;
  /** Labels of the request's namespace when the caller knows them (the review does not carry them). */
  namespaceLabels?: Record<string, string>;
};

const allowed = (uid: string, warnings?: string[]): ValidationResult => ({
  response: warnings === undefined ? { uid, allowed: true } : { uid, allowed: true, warnings },
  audit: [],
});

/** An internal error follows the configured stance: allow with a warning (fail-open) or deny (fail-closed). */
const failureStance = (uid: string, error: unknown, config: Config): ValidationResult => {
  const reason = toAppError(error).message;
  if (config.failurePolicy === 'fail-open') {
    return allowed(uid, [`meshward: policy evaluation failed (${reason.slice(0, 60)}); allowed (fail-open)`]);
  }
  const message = `meshward could not evaluate policies (${reason}); denied because failurePolicy is fail-closed`;
  return {
    response: { uid, allowed: false, status: { code: 500, reason: 'InternalError', message } },
    audit: [],
  };
};

export const validateReview = (review: AdmissionReview, deps: ValidateDeps): ValidationResult => {
  const { request } = review;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return allowed(request.uid);
  const object = request.object;
  if (object === undefined || object === null) {
    throw new AppError('bad-request', `request.object is required for ${request.operation}`);
  }
  const oldObject = (request.oldObject ?? undefined) as KubeObject | undefined;
  if (request.operation === 'UPDATE' && !securityRelevantChange(object, oldObject))
    return allowed(request.uid);
  try {
    const context = {
      now: deps.now,
      ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
    };
    const verdicts = evaluateObject(object, deps.policies, {
      ...context,
      ...(deps.namespaceLabels === undefined ? {} : { namespaceLabels: deps.namespaceLabels }),
      ...(oldObject === undefined ? {} : { oldObject }),
    });
    const problems = deps.policies.problems.length;
    const extraWarnings =
      problems === 0
        ? []
        : [`meshward: ${problems} problem(s) in the policy files; run meshward policy lint`];
    return buildResponse(request.uid, verdicts, resourceRef(request, object), {
      now: deps.now,
      dryRun: request.dryRun === true,
      extraWarnings,
    });
  } catch (error) {
    return failureStance(request.uid, error, deps.config);
  }
};
