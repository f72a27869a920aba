/** Loads mutate fixtures and applies a webhook's JSON Patch with an independent RFC 6902 implementation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastJsonPatch from 'fast-json-patch';
import {
  type AdmissionResponse,
  type AdmissionReview,
  admissionReviewSchema,
} from '#core/admission-review.ts';
import { type Config, parseConfig } from '#core/config.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'mutate');

export const loadReview = (name: string): AdmissionReview =>
  admissionReviewSchema.parse(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')));

export const testConfig = (overrides: Record<string, unknown> = {}): Config => parseConfig(overrides);

export type PodObject = {
  metadata: { annotations?: Record<string, string>; labels?: Record<string, string>; [key: string]: unknown };
  spec: {
    containers: Record<string, unknown>[];
    initContainers?: Record<string, unknown>[];
    volumes?: Record<string, unknown>[];
    [key: string]: unknown;
  };
};

/** Applies the response's patch to the review's object, validating every operation as RFC 6902 requires. */
export const applyResponse = (review: AdmissionReview, response: AdmissionResponse): PodObject => {
  const pod = structuredClone(review.request.object) as PodObject;
  if (response.patch === undefined) return pod;
  const operations = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
  return fastJsonPatch.applyPatch(pod, operations, true, false).newDocument;
};

/** A review of the patched pod, as the API server sends on reinvocation. */
export const reinvoke = (review: AdmissionReview, pod: PodObject): AdmissionReview => ({
  ...review,
  request: { ...review.request, object: pod as unknown as Record<string, unknown> },
});
