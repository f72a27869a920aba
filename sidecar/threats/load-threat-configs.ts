/** Loads and validates each detector's `policies/threats/<id>.yaml` with the detector's own schema; every problem at once. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';
import { preParsedPolicy } from './parsed-policies.ts';
import { shippedPolicyDir } from './shipped-policy-dir.ts';
import type { Threat } from './threat.ts';

export const defaultPolicyDir = shippedPolicyDir;

const parseYaml = (file: string, text: string): unknown => {
  try {
    return parse(text) ?? {};
  } catch (error) {
    return error instanceof Error
      ? new AppError('config-invalid', `${file}: ${error.message}`, { cause: error })
      : error;
  }
};

/**
 * The last text read from each policy file and what it parsed to. Parsing the policies costs more than reading them;
 * every engine that runs threat detection loads them (`meshward inspect` once per file, the benchmarks once per
 * pass), so a file whose text has not changed is not parsed again. The shipped files' values come parsed ahead of
 * time (`parsed-policies.ts`, ADR 48). The parsed value is only read
 * (validation builds new objects), never changed.
 */
const parsedFiles = new Map<string, { text: string; value: unknown }>();

const readYaml = (file: string): unknown => {
  const text = readFileSync(file, 'utf8');
  const cached = parsedFiles.get(file);
  if (cached !== undefined && cached.text === text) return cached.value;
  const value = preParsedPolicy(text) ?? parseYaml(file, text);
  parsedFiles.set(file, { text, value });
  return value;
};

/** Raw input per detector and where it came from: the override when given, else its YAML file, else `{}` (defaults). */
const rawConfig = (
  id: string,
  dir: string | false,
  overrides: Record<string, unknown>,
): { raw: unknown; source: string } => {
  if (id in overrides) return { raw: overrides[id], source: `${id} (override)` };
  if (dir === false) return { raw: {}, source: id };
  const file = join(dir, `${id}.yaml`);
  return existsSync(file) ? { raw: readYaml(file), source: file } : { raw: {}, source: id };
};

/** The value a problem is about, when it is a short scalar (a list entry, a threshold), to name it in the message. */
const valueAt = (raw: unknown, path: readonly PropertyKey[]): string => {
  let value: unknown = raw;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as never)[key] : undefined;
  if (typeof value === 'object' || value === undefined) return '';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? '' : ` (${text})`;
};

export const loadThreatConfigs = (
  // biome-ignore lint/suspicious/noExplicitAny: each detector validates its own config shape.
  threats: readonly Threat<any, any>[],
  dir: string | false = defaultPolicyDir,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => {
  const configs: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const threat of threats) {
    const { raw, source } = rawConfig(threat.id, dir, overrides);
    if (raw instanceof AppError) {
      problems.push(raw.message);
      continue;
    }
    const parsed = threat.config.safeParse(raw);
    if (parsed.success) configs[threat.id] = parsed.data;
    else {
      // `file: key.3 ("value"): what is wrong`, so the line to fix is found without counting list entries.
      const lines = describeZodError(parsed.error);
      const issues: readonly { path: readonly PropertyKey[] }[] = parsed.error.issues;
      issues.forEach((issue, i) => {
        const [path, ...rest] = (lines[i] ?? '').split(': ');
        const message = rest.join(': ');
        const value = valueAt(raw, issue.path);
        // A message that already quotes the value (`"json" is not a media type`) is not given it twice.
        const named = value !== '' && message.includes(value.slice(2, -1)) ? '' : value;
        problems.push(`${source}: ${path}${named}: ${message}`);
      });
    }
  }
  if (problems.length > 0) {
    throw new AppError('config-invalid', `threat configuration is invalid:\n  ${problems.join('\n  ')}`, {
      details: problems,
    });
  }
  return configs;
};
