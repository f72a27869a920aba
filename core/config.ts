/** Configuration: one zod schema with safe defaults, loaded from env and a YAML file, every problem at once. */
import { z } from 'zod';
import { parseCidr } from './cidr.ts';
import { AppError } from './errors.ts';
import { forwardingHeaderSchema } from './finding.ts';
import { describeZodError } from './issue.ts';
import { modeSchema } from './mode.ts';

/** A list entry as its author wrote it (`"ingress"`, `42`, `{"cidr":"10.0.0.0/8"}`), so an error can quote it. */
const quoted = (input: unknown): string =>
  typeof input === 'string' ? `"${input}"` : (JSON.stringify(input) ?? String(input));

const notCidrOrAddress = (issue: { input: unknown }) =>
  `${quoted(issue.input)} is not an IPv4 or IPv6 address or CIDR (address/bits)`;

/** `10.0.0.0/8`, `192.0.2.7`, `fd00::/8`; anything else, a number or a mapping too, is an error quoting it. */
const cidrOrAddress = z
  .string({ error: notCidrOrAddress })
  .refine((value) => parseCidr(value, { bareAddress: true }) !== undefined, { error: notCidrOrAddress });

/**
 * A trusted proxy: an address or CIDR, but not one that trusts every address (`0.0.0.0/0`, `::/0`), which the tap
 * refuses at start (`trusted-proxies.ts`): refused here too, so a pod is never injected with a tap that cannot run.
 */
const trustedProxy = cidrOrAddress.refine((value) => parseCidr(value, { bareAddress: true })?.bits !== 0, {
  error: (issue) =>
    `${quoted(issue.input)} trusts every address, so any client could name any other: list the proxies' addresses`,
});

export const configSchema = z.object({
  /** Where the control plane is reachable from taps. */
  controlPlaneUrl: z.string().url().default('https://meshward.meshward.svc:8443'),
  /** Namespace meshward itself runs in: never injected. */
  namespace: z.string().min(1).default('meshward'),
  /** Secret URL path segment for webhooks; empty means plain paths (local use). */
  webhookPathSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'only letters, digits, "-" and "_"')
    .refine((value) => value === '' || value.length >= 16, 'must be at least 16 characters when set')
    .default(''),
  /** What an admission webhook does when it cannot decide: allow with a warning, or deny. */
  failurePolicy: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
  inject: z
    .object({
      /** Inject into pods that neither opt in nor out, in namespaces that did not opt in. */
      default: z.boolean().default(false),
      image: z.string().min(1).default('ghcr.io/meshward/meshward:0.1.0'),
      imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
      /** Kubernetes minor version of the cluster: 29 or later gets a native sidecar. */
      kubernetesMinor: z.number().int().min(16).default(29),
      mode: modeSchema.default('discover'),
      /** The tap's own egress port to the control plane, excluded from mesh redirection when set. */
      egressPort: z.number().int().min(1).max(65535).optional(),
      cpuRequest: z.string().default('50m'),
      cpuLimit: z.string().default('500m'),
      memoryRequest: z.string().default('128Mi'),
      // The image runs the tap from its esbuild bundle: peak RSS 84-142 MiB at 0.9-10.7k pps of mixed traffic
      // (163-202 MiB through tsx), `npm run bench tap` on 2026-11-26; the limit leaves room for captures.
      memoryLimit: z.string().default('512Mi'),
      tokenExpirationSeconds: z.number().int().min(600).default(3600),
      /** PEM bundle the injected tap trusts for the control plane (a private CA); unset: the system CAs only. */
      caBundle: z
        .string()
        .includes('BEGIN CERTIFICATE', { message: 'is not a PEM certificate bundle' })
        .optional(),
      /**
       * Proxies in front of injected pods (an ingress controller's and mesh gateways' addresses or CIDRs) whose
       * forwarding headers the tap reads a hop further (ADR 28); the tap gets them as MESHWARD_TRUSTED_PROXIES.
       */
      trustedProxies: z.array(trustedProxy).max(64).default([]),
      /** The one forwarding header those proxies write; the tap gets it as MESHWARD_FORWARDED_HEADER. */
      forwardedHeader: forwardingHeaderSchema.optional(),
    })
    .prefault({}),
});
export type Config = z.infer<typeof configSchema>;

/** Parses a raw configuration object; reports every problem at once as one AppError. */
export const parseConfig = (raw: unknown, source = 'configuration'): Config => {
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const details = describeZodError(result.error);
  throw new AppError('config-invalid', `${source} is invalid:\n  ${details.join('\n  ')}`, { details });
};

const envKeys: Record<string, (config: Record<string, unknown>, value: string) => void> = {
  MESHWARD_CONTROL_PLANE_URL: (c, v) => {
    c.controlPlaneUrl = v;
  },
  MESHWARD_NAMESPACE: (c, v) => {
    c.namespace = v;
  },
  MESHWARD_WEBHOOK_PATH_SECRET: (c, v) => {
    c.webhookPathSecret = v;
  },
  MESHWARD_FAILURE_POLICY: (c, v) => {
    c.failurePolicy = v;
  },
  MESHWARD_INJECT_DEFAULT: (c, v) => {
    c.inject = { ...(c.inject as object), default: v === 'true' };
  },
  MESHWARD_TAP_IMAGE: (c, v) => {
    c.inject = { ...(c.inject as object), image: v };
  },
  MESHWARD_TAP_CA_BUNDLE: (c, v) => {
    c.inject = { ...(c.inject as object), caBundle: v };
  },
  MESHWARD_TAP_TRUSTED_PROXIES: (c, v) => {
    const entries = v
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    c.inject = { ...(c.inject as object), trustedProxies: entries };
  },
  MESHWARD_TAP_FORWARDED_HEADER: (c, v) => {
    c.inject = { ...(c.inject as object), forwardedHeader: v };
  },
  MESHWARD_KUBERNETES_MINOR: (c, v) => {
    c.inject = { ...(c.inject as object), kubernetesMinor: Number(v) };
  },
};

/** Overlays MESHWARD_* environment variables on a raw configuration object. */
export const applyEnv = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> => {
  const merged: Record<string, unknown> = { ...raw };
  for (const [key, apply] of Object.entries(envKeys)) {
    const value = env[key];
    if (value !== undefined && value !== '') apply(merged, value);
  }
  return merged;
};
