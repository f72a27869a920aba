/**
 * The `npm start` demo: replays the bundled Bookinfo capture through one emulated tap per pod, posting to this
 * server like real taps. The baseline is learned first, then the demo group is switched to monitor (as an
 * operator would) and the incident (an attack, an off-graph call) is replayed, so a threat and a violation show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiCall, expectOk } from '#functions/api/api-client.ts';
import type { LocalIssuer } from '#functions/platform/auth/local-issuer.ts';
import type { Logger } from '#functions/platform/logger.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { type DemoManifest, loadDemoManifest } from './demo-manifest.ts';
import { createDemoTap, type DemoTap } from './demo-tap.ts';
import { type PhasedRecords, podRecords, shifted } from './pod-records.ts';

export type DemoReplayOptions = {
  /** Directory holding pods.json and the capture it names. */
  dir: string;
  url: string;
  ca: string;
  issuer: LocalIssuer;
  /** Resolves once the control plane has learned from every published batch. */
  idle: () => Promise<void>;
  log: Logger;
  /** How often the emulated taps send heartbeats after the replay, so their pods' IPs stay attributed. */
  heartbeatEveryMs?: number;
};

export type DemoReplay = {
  /** Settles when baseline and incident were delivered (never rejects: failures are logged). */
  done: Promise<DemoSummary | undefined>;
  stop(): void;
};

export type DemoSummary = { pods: number; findings: number; batches: number; failures: number };

type Tap = { tap: DemoTap; records: PhasedRecords };

const span = (records: readonly PacketRecord[]) => {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { ts } of records) {
    if (ts < first) first = ts;
    if (ts > last) last = ts;
  }
  return { first, last };
};

const deliverAll = async (taps: readonly Tap[], summary: DemoSummary) => {
  for (const result of await Promise.all(taps.map(({ tap }) => tap.deliver()))) {
    summary.batches += result.sent;
    summary.failures += result.failed;
  }
};

/** Plays one phase now: capture times moved so the phase's last packet is `now`; heartbeats cover its start. */
const playPhase = async (
  taps: readonly Tap[],
  phase: keyof PhasedRecords,
  summary: DemoSummary,
  idle: () => Promise<void>,
) => {
  const all = taps.flatMap(({ records }) => records[phase]);
  if (all.length === 0) return;
  const { first, last } = span(all);
  const offset = Date.now() - last;
  // Every tap registers its pod before any flow is learned, as real taps heartbeat when they start.
  for (const { tap } of taps) tap.heartbeat(first + offset);
  await deliverAll(taps, summary);
  await idle();
  for (const { tap, records } of taps) summary.findings += tap.replay(shifted(records[phase], offset)).length;
  await deliverAll(taps, summary);
  await idle();
};

const switchToMonitor = async (options: DemoReplayOptions, group: string) => {
  const token = await options.issuer.mintApiToken('operator', { subject: 'meshward:demo', ttlSeconds: 300 });
  expectOk(
    await apiCall({ server: options.url, token, ca: options.ca }, 'PUT', `/api/groups/${group}/mode`, {
      mode: 'monitor',
    }),
  );
};

const buildTaps = (options: DemoReplayOptions, manifest: DemoManifest): Tap[] => {
  const capture = readCapture(readFileSync(join(options.dir, manifest.capture)));
  const split = podRecords(
    capture.records,
    manifest.pods.map((pod) => pod.ip),
    manifest.incidentAt,
  );
  return manifest.pods.map((pod) => ({
    tap: createDemoTap({
      pod,
      url: options.url,
      ca: options.ca,
      token: () => options.issuer.mintPodToken(pod, { serviceAccount: pod.serviceAccount }),
    }),
    records: split.get(pod.ip) ?? { baseline: [], incident: [] },
  }));
};

const run = async (options: DemoReplayOptions, taps: Tap[], manifest: DemoManifest) => {
  const summary: DemoSummary = { pods: taps.length, findings: 0, batches: 0, failures: 0 };
  await playPhase(taps, 'baseline', summary, options.idle);
  await switchToMonitor(options, manifest.incident.monitor);
  options.log('info', 'demo: baseline learned; switched a group to monitor as an operator would', {
    group: manifest.incident.monitor,
  });
  await playPhase(taps, 'incident', summary, options.idle);
  return summary;
};

export const startDemoReplay = (options: DemoReplayOptions): DemoReplay => {
  const manifest = loadDemoManifest(options.dir);
  const taps = buildTaps(options, manifest);
  let timer: NodeJS.Timeout | undefined;
  const beat = async () => {
    for (const { tap } of taps) tap.heartbeat(Date.now());
    await deliverAll(taps, { pods: 0, findings: 0, batches: 0, failures: 0 });
  };
  const done = run(options, taps, manifest).then(
    (summary) => {
      options.log('info', 'demo: replay delivered', summary);
      timer = setInterval(() => {
        beat().catch(() => undefined);
      }, options.heartbeatEveryMs ?? 30_000);
      timer.unref();
      return summary;
    },
    (error: unknown) => {
      options.log('error', 'demo: replay failed', { error: String(error) });
      return undefined;
    },
  );
  return { done, stop: () => clearInterval(timer) };
};
