/** The local job queue: runs jobs one at a time, in order, after the caller has returned (Slack is already answered). */
import type { JobQueue, RespondJob } from './respond-job.ts';

export type InProcessJobQueue = JobQueue & {
  /** Resolves once every job enqueued so far has run. */
  idle(): Promise<void>;
};

export const createInProcessJobQueue = (
  run: (job: RespondJob) => Promise<void>,
  onError: (error: unknown, job: RespondJob) => void = () => {},
): InProcessJobQueue => {
  let tail: Promise<void> = Promise.resolve();
  return {
    enqueue: async (job) => {
      tail = tail
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => run(job).catch((error: unknown) => onError(error, job)));
    },
    idle: () => tail,
  };
};
