/** Batches queued findings (size and time bounds), sends each batch under a stable id, and retries with backoff. */
import { randomUUID } from 'node:crypto';
import { type Finding, type FindingBatch, findingsVersion } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { type BackoffOptions, backoffDelay, defaultBackoff } from './backoff-delay.ts';
import type { FindingQueue } from './finding-queue.ts';
import type { BatchSender } from './https-sender.ts';
import type { SendResult } from './send-result.ts';

export type ReporterOptions = {
  queue: FindingQueue;
  send: BatchSender;
  pod: () => PodRef;
  /** Largest batch, and the queue size that triggers an early send. */
  maxBatch?: number;
  /** Largest batch body (JSON bytes of its findings); one oversized finding still goes alone. */
  maxBatchBytes?: number;
  /** Longest a finding waits before its batch is sent. */
  maxDelayMs?: number;
  backoff?: BackoffOptions;
  now?: () => number;
  random?: () => number;
  /** Waits `ms`; returns early when the signal aborts. Injected so tests never really wait. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onCommands?: (commands: string[]) => void;
  onResult?: (result: SendResult, batch: FindingBatch) => void;
};

export type ReporterStats = { batchesSent: number; findingsSent: number; failures: number; refused: number };

export type Reporter = {
  /** Queues findings and wakes the loop when a batch is full; returns how many were dropped (and counted). */
  add(findings: readonly Finding[]): number;
  /** Sends the pending batch, or a new one from the queue; 'empty' when there was nothing to send. */
  sendOnce(): Promise<'sent' | 'empty' | 'failed'>;
  /** Wakes the loop early (the queue reached the batch size). */
  wake(): void;
  /** Runs until the signal aborts, then sends what it can without waiting. */
  run(signal: AbortSignal): Promise<void>;
  stats(): ReporterStats;
};

export const realSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export const createReporter = (options: ReporterOptions): Reporter => {
  const maxBatch = options.maxBatch ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const stats: ReporterStats = { batchesSent: 0, findingsSent: 0, failures: 0, refused: 0 };
  let pending: FindingBatch | undefined;
  let attempt = 0;
  let waker = new AbortController();

  const nextBatch = (): FindingBatch | undefined => {
    if (options.queue.size() === 0) return undefined;
    const findings = options.queue.take(maxBatch, options.maxBatchBytes ?? 4 * 1024 * 1024);
    const dropped = options.queue.takeDropped();
    return {
      version: findingsVersion,
      batchId: randomUUID(),
      pod: options.pod(),
      sentAt: '',
      dropped,
      findings,
    };
  };

  const settle = (batch: FindingBatch, result: SendResult): 'sent' | 'failed' => {
    options.onResult?.(result, batch);
    if (result.ok) {
      pending = undefined;
      attempt = 0;
      stats.batchesSent += 1;
      stats.findingsSent += batch.findings.length;
      if (result.commands.length > 0) options.onCommands?.(result.commands);
      return 'sent';
    }
    stats.failures += 1;
    if (!result.retry) {
      // Refused as a whole: retrying cannot help, so its findings become counted drops.
      stats.refused += 1;
      options.queue.addDropped(batch.findings.length + batch.dropped);
      pending = undefined;
      attempt = 0;
      return 'failed';
    }
    attempt += 1;
    return 'failed';
  };

  const sendOnce = async (): Promise<'sent' | 'empty' | 'failed'> => {
    pending ??= nextBatch();
    if (pending === undefined) return 'empty';
    const batch: FindingBatch = { ...pending, sentAt: new Date(now()).toISOString() };
    return settle(pending, await options.send(batch));
  };

  /** How long to wait before the next send: backoff after a failure, else until the oldest finding is due. */
  const delay = (): number => {
    if (pending !== undefined && attempt > 0)
      return backoffDelay(attempt - 1, options.backoff ?? defaultBackoff, random);
    if (options.queue.size() >= maxBatch) return 0;
    const oldest = options.queue.oldestAt();
    return oldest === undefined ? maxDelayMs : Math.max(0, oldest + maxDelayMs - now());
  };

  /** One turn of the loop: wait (backoff, or until the oldest finding is due, or woken), then send if there is work. */
  const turn = async (signal: AbortSignal) => {
    const wait = delay();
    if (wait > 0) await sleep(wait, AbortSignal.any([signal, waker.signal]));
    if (waker.signal.aborted) waker = new AbortController();
    if (signal.aborted) return;
    if (pending !== undefined || options.queue.size() > 0) await sendOnce();
  };

  /** Last chance on shutdown: a few batches, no backoff (the container is about to be stopped). */
  const finalSends = async () => {
    for (let round = 0; round < 8; round++) if ((await sendOnce()) !== 'sent') return;
  };

  const run = async (signal: AbortSignal) => {
    while (!signal.aborted) await turn(signal);
    await finalSends();
  };

  return {
    add(findings) {
      const dropped = options.queue.push(findings);
      if (options.queue.size() >= maxBatch) waker.abort();
      return dropped;
    },
    sendOnce,
    wake: () => waker.abort(),
    run,
    stats: () => ({ ...stats }),
  };
};
