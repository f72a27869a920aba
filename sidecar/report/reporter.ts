/** Batches queued findings (size and time bounds), sends each batch under a stable id, and retries with backoff. */
import { randomUUID } from 'node:crypto';
import { type Finding, type FindingBatch, findingsVersion } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { type BackoffOptions, backoffDelay, defaultBackoff } from './backoff-delay.ts';
import type { FindingQueue } from './finding-queue.ts';
import type { BatchSender } from './https-sender.ts';
import { realSleep } from './real-sleep.ts';
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

type Loop = {
  options: ReporterOptions;
  maxBatch: number;
  maxDelayMs: number;
  now: () => number;
  stats: ReporterStats;
  pending: FindingBatch | undefined;
  attempt: number;
  waker: AbortController;
};

const nextBatch = (loop: Loop): FindingBatch | undefined => {
  const { queue, maxBatchBytes, pod } = loop.options;
  if (queue.size() === 0) return undefined;
  const findings = queue.take(loop.maxBatch, maxBatchBytes ?? 4 * 1024 * 1024);
  const dropped = queue.takeDropped();
  return { version: findingsVersion, batchId: randomUUID(), pod: pod(), sentAt: '', dropped, findings };
};

/** Books a send attempt: delivered, refused for good (its findings become counted drops), or to be retried. */
const settle = (loop: Loop, batch: FindingBatch, result: SendResult): 'sent' | 'failed' => {
  loop.options.onResult?.(result, batch);
  if (result.ok) {
    loop.pending = undefined;
    loop.attempt = 0;
    loop.stats.batchesSent += 1;
    loop.stats.findingsSent += batch.findings.length;
    if (result.commands.length > 0) loop.options.onCommands?.(result.commands);
    return 'sent';
  }
  loop.stats.failures += 1;
  if (result.retry) {
    loop.attempt += 1;
    return 'failed';
  }
  loop.stats.refused += 1;
  loop.options.queue.addDropped(batch.findings.length + batch.dropped);
  loop.pending = undefined;
  loop.attempt = 0;
  return 'failed';
};

const sendOnce = async (loop: Loop): Promise<'sent' | 'empty' | 'failed'> => {
  loop.pending ??= nextBatch(loop);
  if (loop.pending === undefined) return 'empty';
  const batch: FindingBatch = { ...loop.pending, sentAt: new Date(loop.now()).toISOString() };
  return settle(loop, loop.pending, await loop.options.send(batch));
};

/** How long to wait before the next send: backoff after a failure, else until the oldest finding is due. */
const delay = (loop: Loop): number => {
  const { queue, backoff, random } = loop.options;
  if (loop.pending !== undefined && loop.attempt > 0) {
    return backoffDelay(loop.attempt - 1, backoff ?? defaultBackoff, random ?? Math.random);
  }
  if (queue.size() >= loop.maxBatch) return 0;
  const oldest = queue.oldestAt();
  return oldest === undefined ? loop.maxDelayMs : Math.max(0, oldest + loop.maxDelayMs - loop.now());
};

/** One turn of the loop: wait (backoff, or until the oldest finding is due, or woken), then send if there is work. */
const turn = async (loop: Loop, signal: AbortSignal) => {
  const wait = delay(loop);
  const sleep = loop.options.sleep ?? realSleep;
  if (wait > 0) await sleep(wait, AbortSignal.any([signal, loop.waker.signal]));
  if (loop.waker.signal.aborted) loop.waker = new AbortController();
  if (signal.aborted) return;
  if (loop.pending !== undefined || loop.options.queue.size() > 0) await sendOnce(loop);
};

export const createReporter = (options: ReporterOptions): Reporter => {
  const loop: Loop = {
    options,
    maxBatch: options.maxBatch ?? 500,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    now: options.now ?? Date.now,
    stats: { batchesSent: 0, findingsSent: 0, failures: 0, refused: 0 },
    pending: undefined,
    attempt: 0,
    waker: new AbortController(),
  };
  return {
    add(findings) {
      const dropped = options.queue.push(findings);
      if (options.queue.size() >= loop.maxBatch) loop.waker.abort();
      return dropped;
    },
    sendOnce: () => sendOnce(loop),
    wake: () => loop.waker.abort(),
    async run(signal) {
      while (!signal.aborted) await turn(loop, signal);
      // Last chance on shutdown: a few batches, no backoff (the container is about to be stopped).
      for (let round = 0; round < 8; round++) if ((await sendOnce(loop)) !== 'sent') return;
    },
    stats: () => ({ ...loop.stats }),
  };
};
