/** The AWS job queue: the Slack edge sends each job to the respond queue and answers Slack; respond does the work. */
import type { SqsSend } from '#functions/platform/bus/sqs-bus.ts';
import { type JobQueue, respondJobSchema } from './respond-job.ts';

export type SqsJobQueue = JobQueue & { idle(): Promise<void> };

/** On Lambda nothing runs after the response is returned, so a job is on the queue before `enqueue` resolves. */
export const createSqsJobQueue = (send: SqsSend, queueUrl: string): SqsJobQueue => ({
  enqueue: async (job) => send(queueUrl, JSON.stringify(respondJobSchema.parse(job))),
  idle: () => Promise.resolve(),
});
