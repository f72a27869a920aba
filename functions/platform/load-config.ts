/** Loads this process's configuration once: an optional YAML file (MESHWARD_CONFIG) overlaid with env. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { applyEnv, type Config, parseConfig } from '#core/config.ts';
import { AppError } from '#core/errors.ts';

let cached: Config | undefined;

const readFileConfig = (path: string | undefined): Record<string, unknown> => {
  if (path === undefined || path === '') return {};
  try {
    const raw: unknown = parse(readFileSync(path, 'utf8'));
    if (raw === null || raw === undefined) return {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('the top level must be a mapping');
    return raw as Record<string, unknown>;
  } catch (error) {
    throw new AppError(
      'config-invalid',
      `cannot read configuration file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const path = env.MESHWARD_CONFIG;
  return parseConfig(applyEnv(readFileConfig(path), env), path ?? 'environment');
};

/** The process-wide configuration, loaded on first use; `setConfig` lets `meshward serve` and tests inject it. */
export const currentConfig = (): Config => {
  cached ??= loadConfig();
  return cached;
};

export const setConfig = (config: Config | undefined): void => {
  cached = config;
};
