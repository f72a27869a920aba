/** Allow-list rules: group → peer, port and layer-7 protocol, optionally HTTP methods and paths. */
import { z } from 'zod';
import { protocolIdSchema, transportSchema } from './protocol-id.ts';

export const peerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('group'), namespace: z.string(), name: z.string() }),
  z.object({ type: z.literal('cidr'), cidr: z.string() }),
  z.object({ type: z.literal('fqdn'), fqdn: z.string() }),
]);
export type Peer = z.infer<typeof peerSchema>;

export const ruleSchema = z.object({
  id: z.string().min(1),
  from: peerSchema,
  to: peerSchema,
  transport: transportSchema,
  port: z.number().int().min(0).max(65535),
  /** Upper bound of a port range rule (inclusive); absent for a single port. */
  portEnd: z.number().int().min(0).max(65535).optional(),
  protocol: protocolIdSchema,
  http: z.object({ methods: z.array(z.string()), paths: z.array(z.string()) }).optional(),
  dnsNames: z.array(z.string()).optional(),
  source: z.enum(['learned', 'manual']),
  hits: z.number().int().min(0),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export type Rule = z.infer<typeof ruleSchema>;
