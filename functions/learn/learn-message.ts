/** Learn's consumer of the bus: learns from a batch and publishes the violations it raised, so respond sees them. */
import type { Bus, BusMessage } from '#functions/platform/bus/bus.ts';
import type { Store } from '#functions/platform/store/store.ts';
import type { KubePeerResolver } from './kube-peer-resolver.ts';
import type { LearnConfig } from './learn-config.ts';
import { onBatchMessage } from './on-batch-message.ts';
import type { LearnOutcome } from './run.ts';

export type LearnMessageDeps = { store: Store; config: LearnConfig; bus: Bus; kubePeers?: KubePeerResolver };

/** Violations messages are respond's; learn ignores them (returns undefined). */
export const learnMessage = async (
  message: BusMessage,
  deps: LearnMessageDeps,
): Promise<LearnOutcome | undefined> => {
  if (message.type !== 'batch') return undefined;
  const outcome = await onBatchMessage(message, deps);
  if (outcome.violations.length > 0) {
    await deps.bus.publish({
      type: 'violations',
      batchId: message.batchId,
      pod: message.pod,
      receivedAt: message.receivedAt,
      violationIds: outcome.violations.map((violation) => violation.id),
    });
  }
  return outcome;
};
