/** Loads and validates each detector's `policies/threats/<id>.yaml` with the detector's own schema; every problem at once. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';
import type { Threat } from './threat.ts';

export const defaultPolicyDir = fileURLToPath(new URL('../../policies/threats/', import.meta.url));

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
 * The last text read from each policy file and what it parsed to. Parsing the 41 policies costs about 3.5 ms, more
 * than reading them; every engine that runs threat detection loads them (`meshward inspect` once per file, the
 * benchmarks once per pass), so a file whose text has not changed is not parsed again. The parsed value is only read
 * (validation builds new objects), never changed.
 */
const parsedFiles = new Map<string, { text: string; value: unknown }>();

const readYaml = (file: string): unknown => {
  const text = readFileSync(file, 'utf8');
  const cached = parsedFiles.get(file);
  if (cached !== undefined && cached.text === text) return cached.value;
  const value = parseYaml(file, text);
  parsedFiles.set(file, { text, value });
  return value;
};

/** Raw input per detector: the override when given, else its YAML file, else `{}` (all defaults). */
const rawConfig = (id: string, dir: string | false, overrides: Record<string, unknown>): unknown => {
  if (id in overrides) return overrides[id];
  if (dir === false) return {};
  const file = join(dir, `${id}.yaml`);
  return existsSync(file) ? readYaml(file) : {};
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
    const raw = rawConfig(threat.id, dir, overrides);
    if (raw instanceof AppError) {
      problems.push(raw.message);
      continue;
    }
    const parsed = threat.config.safeParse(raw);
    if (parsed.success) configs[threat.id] = parsed.data;
    else problems.push(...describeZodError(parsed.error).map((line) => `${threat.id}: ${line}`));
  }
  if (problems.length > 0) {
    throw new AppError('config-invalid', `threat configuration is invalid:\n  ${problems.join('\n  ')}`, {
      details: problems,
    });
  }
  return configs;
};
