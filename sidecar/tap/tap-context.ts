/** What every part of the tap shares: its configuration, log, metrics, the control plane's address and CA. */
import { readFileSync } from 'node:fs';
import type { TapMetrics } from '../health/tap-metrics.ts';
import { createTapMetrics } from '../health/tap-metrics.ts';
import { type ControlPlaneAddress, controlPlaneAddress } from './control-plane-address.ts';
import { type TapConfig, tapConfigFromEnv } from './tap-config.ts';
import { type TapLog, tapLog } from './tap-log.ts';

export type TapContext = {
  config: TapConfig;
  log: TapLog;
  metrics: TapMetrics;
  cp: ControlPlaneAddress;
  ca: string | undefined;
};

export const createTapContext = async (
  env: NodeJS.ProcessEnv,
  log: TapLog = tapLog(),
  resolveHost?: (host: string) => Promise<string[]>,
): Promise<TapContext> => {
  const config = tapConfigFromEnv(env);
  const cp = await controlPlaneAddress(config.controlPlaneUrl, resolveHost);
  const ca = config.caPem ?? (config.caFile === undefined ? undefined : readFileSync(config.caFile, 'utf8'));
  return { config, log, metrics: createTapMetrics(), cp, ca };
};
