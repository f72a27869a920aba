/** Commands the control plane sends to one tap; each is JWS-signed, expires, and has a unique id. */
import { z } from 'zod';
import { allowListSchema } from './allow-list.ts';
import { modeSchema } from './mode.ts';

/** Longest lifetime a command may have: the tap rejects anything longer-lived. */
export const maxCommandLifetimeSeconds = 120;
export const commandJwsType = 'meshward-command+jwt';

const base = {
  id: z.string().min(8).max(128),
  podUid: z.string().min(1),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
};

export const captureCommandSchema = z.object({
  kind: z.literal('capture'),
  ...base,
  beforeSeconds: z.number().int().min(0).max(300).default(30),
  afterSeconds: z.number().int().min(0).max(600).default(30),
  flow: z.object({ ip: z.string(), port: z.number().int().min(0).max(65535) }).optional(),
  uploadUrl: z.string().url(),
});

export const quarantineCommandSchema = z.object({
  kind: z.literal('quarantine'),
  ...base,
  reason: z.string().max(512),
});
export const releaseCommandSchema = z.object({ kind: z.literal('release'), ...base });
export const setModeCommandSchema = z.object({ kind: z.literal('set-mode'), ...base, mode: modeSchema });
/** Protect mode: the connections the learned rules allow; the tap drops other new connections (ADR 5). */
export const allowListCommandSchema = z.object({
  kind: z.literal('allow-list'),
  ...base,
  allowList: allowListSchema,
});

export const commandSchema = z
  .discriminatedUnion('kind', [
    captureCommandSchema,
    quarantineCommandSchema,
    releaseCommandSchema,
    setModeCommandSchema,
    allowListCommandSchema,
  ])
  .refine((command) => command.expiresAt > command.issuedAt, { message: 'expiresAt must be after issuedAt' })
  .refine((command) => command.expiresAt - command.issuedAt <= maxCommandLifetimeSeconds, {
    message: `a command may live at most ${maxCommandLifetimeSeconds} seconds`,
  });
export type Command = z.infer<typeof commandSchema>;
