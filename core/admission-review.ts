/** The subset of admission.k8s.io/v1 AdmissionReview that meshward reads and writes. */
import { z } from 'zod';

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() });
const groupVersionResource = z.object({ group: z.string(), version: z.string(), resource: z.string() });
const kubeObject = z.record(z.string(), z.unknown());

export const admissionRequestSchema = z.object({
  uid: z.string().min(1, 'request.uid is required'),
  kind: groupVersionKind,
  resource: groupVersionResource,
  subResource: z.string().optional(),
  requestKind: groupVersionKind.optional(),
  requestResource: groupVersionResource.optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z
    .object({
      username: z.string().optional(),
      uid: z.string().optional(),
      groups: z.array(z.string()).optional(),
    })
    .passthrough()
    .optional(),
  object: kubeObject.nullable().optional(),
  oldObject: kubeObject.nullable().optional(),
  dryRun: z.boolean().optional(),
  options: kubeObject.nullable().optional(),
});
export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;

export const admissionReviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1', {
    message: 'apiVersion must be admission.k8s.io/v1 (v1beta1 is not supported)',
  }),
  kind: z.literal('AdmissionReview', { message: 'kind must be AdmissionReview' }),
  request: admissionRequestSchema,
});
export type AdmissionReview = z.infer<typeof admissionReviewSchema>;

/** What zod's z.object accepts: any non-null object that is not an array. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A plain object with string keys only, none of them `__proto__` (zod's record would drop it from its copy). */
export const isPlainRecord = (value: unknown): value is Record<string, unknown> => {
  if (!isObject(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    !Object.hasOwn(value, '__proto__') &&
    Object.getOwnPropertySymbols(value).length === 0
  );
};

export const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

const isGroupVersion = (value: unknown, last: 'kind' | 'resource'): boolean =>
  isObject(value) &&
  typeof value.group === 'string' &&
  typeof value.version === 'string' &&
  typeof value[last] === 'string';
const operations: readonly unknown[] = admissionRequestSchema.shape.operation.options;

const isStringList = (value: unknown): boolean => {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index += 1) if (typeof value[index] !== 'string') return false;
  return true;
};

const isUserInfo = (value: unknown): boolean =>
  isObject(value) &&
  isOptionalString(value.username) &&
  isOptionalString(value.uid) &&
  (value.groups === undefined || isStringList(value.groups));

const isOptionalKubeObject = (value: unknown): boolean =>
  value === undefined || value === null || isPlainRecord(value);

const isRequest = (request: unknown): boolean =>
  isObject(request) &&
  typeof request.uid === 'string' &&
  request.uid.length > 0 &&
  isGroupVersion(request.kind, 'kind') &&
  isGroupVersion(request.resource, 'resource') &&
  (request.requestKind === undefined || isGroupVersion(request.requestKind, 'kind')) &&
  (request.requestResource === undefined || isGroupVersion(request.requestResource, 'resource')) &&
  isOptionalString(request.subResource) &&
  isOptionalString(request.name) &&
  isOptionalString(request.namespace) &&
  operations.includes(request.operation) &&
  (request.userInfo === undefined || isUserInfo(request.userInfo)) &&
  isOptionalKubeObject(request.object) &&
  isOptionalKubeObject(request.oldObject) &&
  (request.dryRun === undefined || typeof request.dryRun === 'boolean') &&
  isOptionalKubeObject(request.options);

/**
 * True only for values `admissionReviewSchema` accepts, checked field by field without copying anything: the
 * schema's parse copies the review, its request and the object under review, which costs a webhook more than
 * JSON.parse of the body. A value this refuses goes through the schema, whose issues name what is wrong.
 */
export const isAdmissionReview = (value: unknown): value is AdmissionReview =>
  isObject(value) &&
  value.apiVersion === 'admission.k8s.io/v1' &&
  value.kind === 'AdmissionReview' &&
  isRequest(value.request);

export type AdmissionResponse = {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
};

export type AdmissionReviewResponse = {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: AdmissionResponse;
};

export const reviewResponse = (response: AdmissionResponse): AdmissionReviewResponse => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response,
});

const responseFields: ReadonlySet<string> = new Set([
  'uid',
  'allowed',
  'status',
  'patch',
  'patchType',
  'warnings',
  'auditAnnotations',
]);

/**
 * The review response as JSON text: the same text as `JSON.stringify(reviewResponse(response))`. JSON.stringify
 * copies a string one character at a time, checking each for escapes (≈ 10 µs for the 5 KB patch of a pod with
 * Istio, on Node 20); a patch is base64 (RFC 4648 section 4), whose alphabet JSON never escapes, so it goes in as
 * it is.
 */
export const reviewResponseJson = (response: AdmissionResponse): string => {
  if (response.patch === undefined) return JSON.stringify(reviewResponse(response));
  let fields = '';
  for (const key in response) {
    const value: unknown = response[key as keyof AdmissionResponse];
    if (value === undefined || !Object.hasOwn(response, key)) continue;
    // The fields of a response are plain words, which JSON never escapes; anything else goes through JSON.
    const name = responseFields.has(key) ? `"${key}"` : JSON.stringify(key);
    const text =
      key === 'patch' ? `"${value}"` : typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    fields += `${fields === '' ? '' : ','}${name}:${text}`;
  }
  return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{${fields}}}`;
};
