/**
 * What `web-scanner` keeps per client, in a bounded map: its answers and misses in the window, the distinct paths it
 * was refused and the sensitive ones it asked for, and when each kind of report was last made (one per window).
 */
import type { WebScannerConfig } from './web-scanner-config.ts';
import { boundedMap } from './window/bounded-map.ts';
import { addDistinct, type DistinctWindow, distinctWindow } from './window/distinct-window.ts';
import { addToRate, type RateWindow, rateWindow } from './window/rate-window.ts';

export type ScannerClient = {
  answered: RateWindow;
  missed: RateWindow;
  missedPaths: DistinctWindow;
  probes: DistinctWindow;
  /** Report label (`tool Nikto`, `forced browsing`, `exposure /.env`) → when it was last reported. */
  reported: Map<string, number>;
  /** Shiro's refusals of its `rememberMe` cookies and the distinct cookies sent after the first (web-scanner-shiro.ts). */
  shiro?: { cookies: DistinctWindow; refused: RateWindow; distinct: number };
};

/** Clients followed at once; past it the oldest is forgotten (spoofed sources cannot grow the state). */
export const maxClients = 4096;
/** Report labels kept per client; past it they are forgotten and may be reported again. */
const maxLabels = 64;
/** Longest path kept for counting. */
const maxPathLength = 256;

export const scannerClient = (): ScannerClient => ({
  answered: rateWindow(),
  missed: rateWindow(),
  missedPaths: distinctWindow(),
  probes: distinctWindow(),
  reported: new Map(),
});

export const scannerClients = () => boundedMap<ScannerClient>(maxClients);

/** True when `label` was not reported for this client within the window (and marks it reported now). */
export const dueReport = (client: ScannerClient, label: string, ts: number, windowMs: number): boolean => {
  const last = client.reported.get(label);
  if (last !== undefined && ts - last < windowMs && ts >= last) return false;
  if (client.reported.size >= maxLabels) client.reported.clear();
  client.reported.set(label, ts);
  return true;
};

export type ForcedBrowsing = { paths: number; missed: number; answered: number };

/**
 * Counts one answer; for a miss, its path. Returns the window's figures when the client has crossed both thresholds:
 * enough distinct missed paths, and misses a large enough share of its answers.
 */
export const countAnswer = (
  client: ScannerClient,
  path: string,
  miss: boolean,
  ts: number,
  c: WebScannerConfig,
): ForcedBrowsing | undefined => {
  const answered = addToRate(client.answered, ts, c.windowMs);
  if (!miss) return undefined;
  const missed = addToRate(client.missed, ts, c.windowMs);
  const paths = addDistinct(
    client.missedPaths,
    path.slice(0, maxPathLength),
    ts,
    c.windowMs,
    c.minMissedPaths * 2,
  );
  if (paths < c.minMissedPaths || missed < c.minMissShare * answered) return undefined;
  return { paths, missed, answered };
};

/** Counts a distinct sensitive path asked for; returns how many within the window. */
export const countProbe = (client: ScannerClient, path: string, ts: number, c: WebScannerConfig): number =>
  addDistinct(client.probes, path.slice(0, maxPathLength).toLowerCase(), ts, c.windowMs, c.minProbes * 4);
