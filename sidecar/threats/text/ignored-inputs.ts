/**
 * A policy's `ignore`: input locations (`header user-agent`, `cookie`, `query`, `json`, ...) a detector that judges
 * request inputs leaves alone, by prefix of the input's `where`.
 */
import { z } from 'zod';

/** The `ignore` key of such a detector's policy. */
export const ignoreList = () => z.array(z.string()).default([]);

/** True when the input at `where` is one the policy leaves alone. */
export const isIgnored = (where: string, ignore: readonly string[]): boolean =>
  ignore.length > 0 && ignore.some((prefix) => where.startsWith(prefix));
