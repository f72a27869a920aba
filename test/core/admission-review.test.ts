/** AdmissionReview: the copy-free check agrees with the schema; the response text is JSON.stringify's. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AdmissionResponse,
  admissionReviewSchema,
  isAdmissionReview,
  reviewResponse,
  reviewResponseJson,
} from '#core/admission-review.ts';
import { mutationsOf, oddValues } from '#test/helpers/admission-mutations.ts';

const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'mutate');

const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/a', value: 'é"\\' }])).toString('base64');

const responses: AdmissionResponse[] = [
  { uid: 'u-1', allowed: true },
  { uid: 'u"2\n', allowed: true, patch, patchType: 'JSONPatch' },
  { uid: 'u-3', allowed: true, patch, patchType: 'JSONPatch', warnings: ['meshward: "why"'] },
  { warnings: ['first'], uid: 'u-4', patch, allowed: true, patchType: 'JSONPatch' },
  { uid: 'u-5', allowed: false, status: { code: 500, message: 'no', reason: 'InternalError' } },
  { uid: 'u-6', allowed: true, auditAnnotations: { patch: '' }, patch: '', patchType: 'JSONPatch' },
  { uid: 'u-7', allowed: false, patch, patchType: 'JSONPatch', status: { code: 403, message: 'ü\u2028' } },
  { uid: 'u-8', allowed: true, patch, 'odd "key"\n': 1 } as unknown as AdmissionResponse,
  Object.assign(Object.create({ inherited: 'not own' }), { uid: 'u-9', allowed: true, patch }),
];

describe('reviewResponseJson', () => {
  it.each(responses)('is JSON.stringify(reviewResponse(response)) for %j', (response) => {
    expect(reviewResponseJson(response)).toBe(JSON.stringify(reviewResponse(response)));
  });

  it('leaves out fields set to undefined, as JSON.stringify does', () => {
    const response = { uid: 'u', allowed: true, patch, patchType: 'JSONPatch', warnings: undefined } as const;
    expect(reviewResponseJson(response as unknown as AdmissionResponse)).toBe(
      JSON.stringify(reviewResponse(response as unknown as AdmissionResponse)),
    );
  });
});

describe('isAdmissionReview', () => {
  const fixtures = ['bare-pod', 'istio-pod', 'linkerd-pod', 'opt-out-pod'].map((name) =>
    JSON.parse(readFileSync(join(fixtureDir, `${name}.json`), 'utf8')),
  );

  it('accepts the well-formed fixtures, as the schema does', () => {
    for (const review of fixtures) {
      expect(isAdmissionReview(review)).toBe(true);
      expect(admissionReviewSchema.safeParse(review).success).toBe(true);
    }
  });

  it('accepts nothing the schema refuses, whatever field is changed to whatever value', () => {
    let refused = 0;
    for (const variant of mutationsOf(fixtures[0], oddValues)) {
      if (!isAdmissionReview(variant)) {
        refused += 1;
        continue;
      }
      expect(admissionReviewSchema.safeParse(variant).success).toBe(true);
    }
    expect(refused).toBeGreaterThan(100);
  });
});
