/** A group's enforcement mode: learn, alert on traffic outside the rules, or block it. */
import { z } from 'zod';

export const modeSchema = z.enum(['discover', 'monitor', 'protect']);
export type Mode = z.infer<typeof modeSchema>;
