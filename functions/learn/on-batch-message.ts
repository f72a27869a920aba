/** What learn does with one bus message: load the findings if they were not inline, then learn from them. */
import type { Finding } from '#core/finding.ts';
import type { BatchMessage } from '#functions/platform/bus/bus.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { type LearnDeps, type LearnOutcome, learnBatch } from './run.ts';

const storedFindings = async (store: Store, batchId: string): Promise<Finding[]> =>
  (await store.listFindings({ batchId, limit: 10_000 })).reverse().map((record) => record.finding);

export const onBatchMessage = async (message: BatchMessage, deps: LearnDeps): Promise<LearnOutcome> => {
  const findings = message.findings ?? (await storedFindings(deps.store, message.batchId));
  return learnBatch(
    { batchId: message.batchId, pod: message.pod, receivedAt: message.receivedAt, findings },
    deps,
  );
};
