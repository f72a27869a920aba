/** What the tap enforces right now (quarantine, blocked peers, protect mode's allow-list), persisted so a restarted tap re-applies it. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { allowListSchema } from '#core/allow-list.ts';

/** A peer to cut off: all its traffic, or only the connections to one server port (ours or the peer's). */
export const blockSchema = z.object({
  ip: z.string().regex(/^[0-9a-fA-F:.]+$/),
  port: z.number().int().min(1).max(65535).optional(),
  /** Which side of the connection the peer is: a client of ours (port is ours) or a server we call (port is theirs). */
  peer: z.enum(['client', 'server']).default('client'),
  /** Epoch ms after which the block lapses (protect mode cuts are temporary). */
  until: z.number().optional(),
});
export type Block = z.infer<typeof blockSchema>;

export const enforcementStateSchema = z.object({
  quarantined: z.boolean().default(false),
  reason: z.string().max(512).optional(),
  blocks: z.array(blockSchema).max(1024).default([]),
  /** Protect mode: the last verified allow-list, enforced until release or a mode other than protect. */
  allowList: allowListSchema.optional(),
});
export type EnforcementState = z.infer<typeof enforcementStateSchema>;

export const openState: EnforcementState = { quarantined: false, blocks: [] };

export const isOpen = (state: EnforcementState): boolean =>
  !state.quarantined && state.blocks.length === 0 && state.allowList === undefined;

/** A missing or unreadable file means nothing is enforced. */
export const loadEnforcementState = async (path: string): Promise<EnforcementState> => {
  try {
    const parsed = enforcementStateSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : openState;
  } catch {
    return openState;
  }
};

/** Written to a temporary file and renamed, so a crash never leaves half a state behind. */
export const saveEnforcementState = async (path: string, state: EnforcementState): Promise<void> => {
  await writeFile(`${path}.tmp`, JSON.stringify(state));
  await rename(`${path}.tmp`, path);
};
