/** The annotation fallback for commands: a bounded JSON list of signed tokens on the pod, expired ones pruned, oldest dropped. */
import { decodeJwt } from 'jose';

/** The tap reads this annotation (`sidecar/commands/annotation-commands.ts`): a JSON array of compact JWS. */
export const commandsAnnotation = 'meshward.io/commands';

/** Tokens kept at most (the tap reads 64); a capture token is ~700 bytes, far under the 256 KiB annotation limit. */
export const maxAnnotationCommands = 16;

/** Three of the tap's default 30 s heartbeats missed: it is not polling ingest, so its commands cannot wait there. */
export const tapSilentAfterSeconds = 90;

export const isTapSilent = (lastSeen: string | undefined, now: string): boolean =>
  lastSeen === undefined || (Date.parse(now) - Date.parse(lastSeen)) / 1000 > tapSilentAfterSeconds;

/** Expiry (epoch seconds) of a token; 0 when it cannot be read, so it is pruned. */
const expiryOf = (token: string): number => {
  try {
    return decodeJwt(token).exp ?? 0;
  } catch {
    return 0;
  }
};

/** The tokens in the annotation's current value, read the way the tap reads it (JSON array or whitespace list). */
const tokensIn = (value: string | undefined): string[] => {
  const raw = value?.trim() ?? '';
  if (raw === '') return [];
  if (!raw.startsWith('[')) return raw.split(/\s+/);
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
};

/** The annotation's next value: the live tokens already there, then `token`; the oldest go past the bound. */
export const withCommand = (
  current: string | undefined,
  token: string,
  nowSeconds: number,
  max = maxAnnotationCommands,
): string => {
  const live = tokensIn(current).filter((existing) => existing !== token && expiryOf(existing) > nowSeconds);
  return JSON.stringify([...live, token].slice(-max));
};
