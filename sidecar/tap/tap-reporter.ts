/** The tap's reporter: a bounded queue, the HTTPS sender with the pod's token, metrics and logs of every attempt. */
import type { PodIdentity } from '../identity/pod-identity.ts';
import { createFindingQueue } from '../report/finding-queue.ts';
import { createHttpsSender } from '../report/https-sender.ts';
import { createReporter, type Reporter } from '../report/reporter.ts';
import type { TapContext } from './tap-context.ts';

export const tapReporter = (
  shared: TapContext,
  identity: () => PodIdentity,
  onCommands: (tokens: string[]) => void,
): Reporter => {
  const { config, metrics, log } = shared;
  const queue = createFindingQueue(config.queueMaxFindings);
  return createReporter({
    queue,
    send: createHttpsSender({
      url: config.controlPlaneUrl,
      tokenPath: config.tokenPath,
      ...(shared.ca === undefined ? {} : { ca: shared.ca }),
    }),
    pod: () => {
      const { namespace, name, uid } = identity();
      return { namespace, name, uid };
    },
    maxBatch: config.batchMaxFindings,
    maxDelayMs: config.batchMaxDelayMs,
    onCommands,
    onResult: (result, batch) => {
      metrics.set('meshward_tap_queue_findings', queue.size());
      if (result.ok) {
        metrics.add('meshward_tap_findings_sent_total', batch.findings.length);
        return;
      }
      metrics.add('meshward_tap_batches_failed_total');
      log('warn', 'batch not delivered', {
        batchId: batch.batchId,
        reason: result.reason,
        retry: result.retry,
      });
    },
  });
};
