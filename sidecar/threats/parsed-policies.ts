/**
 * The shipped threat policies, parsed ahead of time (ADR 48). Parsing 61 YAML files is cheap in wall time, but it
 * makes the YAML parser's functions hot enough for V8 to compile them with TurboFan: on a tap's or `meshward inspect`'s
 * first pass that cost half a billion instructions, a third of all threat detection. So `policies/threats/parsed.json`
 * keeps what each shipped file parses to, keyed by the SHA-256 of its text, and a file whose text matches is not
 * parsed again. A file that was edited (or any team's own policy) has another hash and is parsed from its YAML, so the
 * cache can be stale or missing without changing any result; `npm run policies:parse` writes it again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { shippedPolicyDir } from './shipped-policy-dir.ts';

export const parsedPoliciesFile = `${shippedPolicyDir}parsed.json`;

/** The file's shape: one entry per YAML file, by name. */
export type ParsedPolicies = {
  note: string;
  files: Record<string, { sha256: string; value: unknown }>;
};

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Parsed values by the hash of their text; empty when the file is missing or unreadable (everything is parsed). */
export const readParsedPolicies = (file: string = parsedPoliciesFile): ReadonlyMap<string, unknown> => {
  let parsed: ParsedPolicies;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as ParsedPolicies;
  } catch {
    return new Map();
  }
  const byHash = new Map<string, unknown>();
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof parsed.files !== 'object' ||
    parsed.files === null
  )
    return byHash;
  for (const entry of Object.values(parsed.files)) {
    if (typeof entry?.sha256 === 'string' && entry.value !== undefined) byHash.set(entry.sha256, entry.value);
  }
  return byHash;
};

let shipped: ReadonlyMap<string, unknown> | undefined;

/** What a policy text parses to when it is a shipped file's text unchanged; undefined otherwise. */
export const preParsedPolicy = (text: string): unknown => {
  shipped ??= readParsedPolicies();
  return shipped.size === 0 ? undefined : shipped.get(textHash(text));
};
