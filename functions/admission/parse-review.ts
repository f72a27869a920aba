/** Parses an AdmissionReview body, turning every defect into a bad-request error that names it. */
import { type AdmissionReview, admissionReviewSchema, isAdmissionReview } from '#core/admission-review.ts';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';

export const parseReview = (body: unknown): AdmissionReview => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('bad-request', 'the body is not an AdmissionReview object');
  }
  // A well-formed review (the common case) is taken as it is; anything else gets the schema's issues.
  if (isAdmissionReview(body)) return body;
  const result = admissionReviewSchema.safeParse(body);
  if (result.success) return result.data;
  const details = describeZodError(result.error);
  throw new AppError('bad-request', `not an admission.k8s.io/v1 AdmissionReview: ${details.join('; ')}`, {
    details,
  });
};
