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
