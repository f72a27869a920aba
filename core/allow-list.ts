/** Protect mode's allow-list for one group, as the control plane sends it to each of the group's taps. */
import { z } from 'zod';
import { parseCidr } from './cidr.ts';

/** Most rendered rules per direction (one per address × port entry): past it the direction is left open. */
export const maxAllowRulesPerDirection = 512;

const cidrSchema = z
  .string()
  .refine((value) => parseCidr(value) !== undefined, 'must be an IPv4 or IPv6 CIDR (address/bits)');

/** Peers allowed on a port range of one transport; ICMP is never subject to the allow-list. */
export const allowEntrySchema = z
  .object({
    transport: z.enum(['tcp', 'udp']),
    port: z.number().int().min(1).max(65535),
    portEnd: z.number().int().min(1).max(65535).optional(),
    cidrs: z.array(cidrSchema).max(maxAllowRulesPerDirection),
  })
  .refine((entry) => entry.portEnd === undefined || entry.portEnd >= entry.port, {
    message: 'portEnd must not be below port',
  });
export type AllowEntry = z.infer<typeof allowEntrySchema>;

/**
 * One direction: enforced with these entries, or open (nothing blocked), with the reason: a rule that cannot be
 * rendered as addresses (an FQDN peer) or a list past the bound. Never a partial list that blocks allowed peers.
 */
export const allowDirectionSchema = z.discriminatedUnion('enforce', [
  z.object({ enforce: z.literal(true), entries: z.array(allowEntrySchema).max(maxAllowRulesPerDirection) }),
  z.object({ enforce: z.literal(false), reason: z.string().max(256) }),
]);
export type AllowDirection = z.infer<typeof allowDirectionSchema>;

export const allowListSchema = z.object({
  /** The group (`namespace/name`) the list was computed for. */
  group: z.string().min(1).max(253),
  /** sha256 of the canonical inbound + outbound JSON: the tap re-renders only when it changes. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  inbound: allowDirectionSchema,
  outbound: allowDirectionSchema,
});
export type AllowList = z.infer<typeof allowListSchema>;

/** How many iptables rules a direction renders to (the quantity the bound is about). */
export const allowRuleCount = (direction: AllowDirection): number =>
  direction.enforce ? direction.entries.reduce((sum, entry) => sum + Math.max(1, entry.cidrs.length), 0) : 0;
