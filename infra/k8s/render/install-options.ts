/** Options of `meshward install`, validated with every problem reported at once. */
import { z } from 'zod';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';

export const installOptionsSchema = z.object({
  /** Base URL of the control plane as the API server reaches it, without a trailing slash. */
  endpoint: z
    .string()
    .url()
    .refine(
      (url) => url.startsWith('https://'),
      'must be an https:// URL (the API server only calls webhooks over TLS)',
    )
    .transform((url) => url.replace(/\/+$/, '')),
  /** PEM CA bundle; omitted when the endpoint has a publicly trusted certificate. */
  caBundlePem: z
    .string()
    .includes('BEGIN CERTIFICATE', { message: 'is not a PEM certificate bundle' })
    .optional(),
  webhookPathSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,}$/, 'must be 16+ letters, digits, "-" or "_"')
    .optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label')
    .default('meshward'),
  image: z.string().min(1).default('ghcr.io/meshward/meshward:0.1.0'),
  /** Also render the in-cluster control plane (Deployment, Service, PVC) instead of relying on AWS. */
  inCluster: z.boolean().default(false),
  failurePolicy: z.enum(['Ignore', 'Fail']).default('Ignore'),
  timeoutSeconds: z.number().int().min(1).max(30).default(5),
});
export type InstallOptions = z.infer<typeof installOptionsSchema>;

export const parseInstallOptions = (raw: unknown): InstallOptions => {
  const result = installOptionsSchema.safeParse(raw);
  if (result.success) return result.data;
  const details = describeZodError(result.error);
  throw new AppError('bad-request', `invalid install options:\n  ${details.join('\n  ')}`, { details });
};

/** The URL of one webhook route, behind the secret segment when one is set. */
export const webhookUrl = (options: InstallOptions, route: string): string =>
  `${options.endpoint}${options.webhookPathSecret === undefined ? '' : `/${options.webhookPathSecret}`}${route}`;
