/** Work the Slack edge hands to the respond function after acknowledging Slack: button presses, commands, replies. */
import { z } from 'zod';

const user = z.object({ id: z.string().min(1), name: z.string().optional() });

export const respondJobSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('interaction'),
    /** The opaque id a button carried, looked up server-side. */
    interactionId: z.string().min(1),
    button: z.string().min(1),
    user,
    channel: z.string().optional(),
  }),
  z.object({
    type: z.literal('command'),
    action: z.enum(['quarantine', 'release']),
    pod: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
    reason: z.string().max(512),
    user,
    channel: z.string().min(1),
  }),
  z.object({
    type: z.literal('reply'),
    channel: z.string().min(1),
    user: z.string().min(1),
    text: z.string(),
  }),
]);
export type RespondJob = z.infer<typeof respondJobSchema>;

export type JobQueue = { enqueue(job: RespondJob): Promise<void> };
