/** The tap's configuration from its environment (what the injector sets, plus optional tuning), validated at once. */
import { z } from 'zod';
import { AppError } from '#core/errors.ts';
import { forwardingHeaderSchema } from '#core/finding.ts';
import { describeZodError } from '#core/issue.ts';
import { modeSchema } from '#core/mode.ts';
import { trustedProxies } from '../protocols/trusted-proxies.ts';

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const tapConfigSchema = z.object({
  controlPlaneUrl: z.string().url(),
  tokenPath: z.string().min(1),
  mode: modeSchema.default('discover'),
  /** PEM bundle trusted for the control plane besides the system CAs (the local CA of `meshward serve`). */
  caFile: z.string().optional(),
  /** The same bundle inline (what the injector sets from its `inject.caBundle`); wins over caFile. */
  caPem: z.string().includes('BEGIN CERTIFICATE', { message: 'is not a PEM certificate bundle' }).optional(),
  /** The control plane's command-signing public keys: a JWKS as JSON, a file holding one, or a URL. */
  commandJwks: z.string().optional(),
  commandJwksFile: z.string().optional(),
  commandJwksUrl: z.string().url().optional(),
  captureInterface: z
    .string()
    .regex(/^[\w.:@-]+$/)
    .default('any'),
  snaplen: int(64, 262_144, 65_535),
  tcpdumpPath: z.string().default('tcpdump'),
  metricsPort: int(0, 65_535, 15_090),
  statePath: z.string().default('/tmp/meshward-enforcement.json'),
  ringMaxBytes: int(1024, 1 << 30, 16 * 1024 * 1024),
  ringMaxSeconds: int(1, 3600, 60),
  queueMaxFindings: int(10, 1_000_000, 20_000),
  batchMaxFindings: int(1, 5000, 500),
  batchMaxDelayMs: int(10, 600_000, 5_000),
  heartbeatSeconds: int(1, 3600, 30),
  /** Whether the tap may touch iptables (off where it lacks NET_ADMIN). */
  enforce: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** The node's IP: kubelet probes come from it, so quarantine keeps it reachable when set. */
  hostIp: z.string().optional(),
  /**
   * Proxies in front of this pod whose forwarding headers are read a hop further (ADR 28): addresses and CIDRs,
   * comma-separated (an ingress controller's pod range, a mesh gateway's). None by default.
   */
  trustedProxies: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const entries = text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      try {
        return trustedProxies(entries, 'MESHWARD_TRUSTED_PROXIES');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** The one forwarding header those proxies write (ADR 28); unset: X-Forwarded-For, else Forwarded, else X-Real-IP. */
  forwardedHeader: forwardingHeaderSchema.optional(),
});
export type TapConfig = z.infer<typeof tapConfigSchema>;

const envNames: Record<string, keyof TapConfig> = {
  MESHWARD_CONTROL_PLANE_URL: 'controlPlaneUrl',
  MESHWARD_TOKEN_PATH: 'tokenPath',
  MESHWARD_MODE: 'mode',
  MESHWARD_CA_FILE: 'caFile',
  MESHWARD_CA_PEM: 'caPem',
  MESHWARD_COMMAND_JWKS: 'commandJwks',
  MESHWARD_COMMAND_JWKS_FILE: 'commandJwksFile',
  MESHWARD_COMMAND_JWKS_URL: 'commandJwksUrl',
  MESHWARD_CAPTURE_INTERFACE: 'captureInterface',
  MESHWARD_SNAPLEN: 'snaplen',
  MESHWARD_TCPDUMP: 'tcpdumpPath',
  MESHWARD_METRICS_PORT: 'metricsPort',
  MESHWARD_STATE_PATH: 'statePath',
  MESHWARD_RING_MAX_BYTES: 'ringMaxBytes',
  MESHWARD_RING_MAX_SECONDS: 'ringMaxSeconds',
  MESHWARD_QUEUE_MAX_FINDINGS: 'queueMaxFindings',
  MESHWARD_BATCH_MAX_FINDINGS: 'batchMaxFindings',
  MESHWARD_BATCH_MAX_DELAY_MS: 'batchMaxDelayMs',
  MESHWARD_HEARTBEAT_SECONDS: 'heartbeatSeconds',
  MESHWARD_ENFORCE: 'enforce',
  MESHWARD_HOST_IP: 'hostIp',
  MESHWARD_TRUSTED_PROXIES: 'trustedProxies',
  MESHWARD_FORWARDED_HEADER: 'forwardedHeader',
};

export const tapConfigFromEnv = (env: NodeJS.ProcessEnv): TapConfig => {
  const raw: Record<string, string> = {};
  for (const [name, key] of Object.entries(envNames)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = tapConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = describeZodError(parsed.error);
  throw new AppError('config-invalid', `tap configuration is invalid:\n  ${details.join('\n  ')}`, {
    details,
  });
};
