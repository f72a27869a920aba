/** One attacker-controllable value of a request or statement: where it was, what was sent, and its decoded form. */
import { normalizePayload } from './normalize-payload.ts';

export type PayloadInput = {
  /** Where the value sat, e.g. `query q`, `header user-agent`, `json $.user.name`, `body`. */
  where: string;
  /** The value as sent (after the container's own decoding: form `+`, JSON strings). */
  raw: string;
  /** The value with URL, HTML and JS encodings peeled. */
  decoded: string;
};

export const payloadInput = (where: string, raw: string): PayloadInput => ({
  where,
  raw,
  decoded: normalizePayload(raw),
});
