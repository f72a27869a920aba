/** Lambda adapter for respond on SQS: bus batches, learn's violations and Slack jobs in, partial batch failures out. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getRuntime } from '#functions/platform/runtime.ts';
import { getRespondRuntime } from './current-respond-runtime.ts';
import { runJob } from './jobs/run-job.ts';
import { respondOnBusMessage } from './on-bus-message.ts';
import { respondMessages } from './respond-messages.ts';

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const [runtime, respond] = await Promise.all([getRuntime(), getRespondRuntime()]);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of respondMessages(event)) {
    const now = runtime.now().toISOString();
    try {
      if ('error' in record) runtime.log('warn', 'respond: unreadable SQS record', { ...record });
      else if (record.message.type === 'batch' || record.message.type === 'violations')
        await respondOnBusMessage(record.message, runtime.store, respond.deps, now);
      else await runJob(record.message, respond.deps, now);
    } catch (error) {
      runtime.log('error', 'respond failed', { messageId: record.messageId, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
