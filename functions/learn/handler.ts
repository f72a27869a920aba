/** Lambda adapter for learn: an SQS event in, partial batch failures out (only failed messages are retried). */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsMessages } from '#functions/platform/bus/sqs-bus.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { learnMessage } from './learn-message.ts';

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const runtime = await getRuntime();
  const deps = {
    store: runtime.store,
    config: runtime.learnConfig,
    bus: runtime.bus,
    ...(runtime.kubePeers === undefined ? {} : { kubePeers: runtime.kubePeers }),
  };
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of sqsMessages(event)) {
    if ('error' in record) {
      runtime.log('warn', 'learn: dropping a message that is not a bus message', { ...record });
      continue;
    }
    try {
      await learnMessage(record.message, deps);
    } catch (error) {
      runtime.log('error', 'learn: message failed, will be retried', {
        messageId: record.messageId,
        error: String(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
