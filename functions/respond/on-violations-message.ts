/** What respond does with the violations learn raised from one batch: reads each from the store and responds to it. */
import type { ViolationsMessage } from '#functions/platform/bus/bus.ts';
import type { FindingRecord, Store } from '#functions/platform/store/store.ts';
import type { BatchResponse } from './on-batch-message.ts';
import type { RespondDeps } from './respond-deps.ts';
import type { ResponseFinding } from './response-finding.ts';
import { respondToFinding } from './run.ts';

type ViolationStore = Pick<Store, 'getFinding' | 'getPod' | 'getGroup'>;

/** The violation as respond sees it; the reporting pod is its target only when it belongs to the violating group. */
const responseFindingOf = async (
  record: FindingRecord,
  message: ViolationsMessage,
  store: ViolationStore,
): Promise<ResponseFinding> => {
  const reporter = await store.getPod(message.pod.uid);
  const labels = record.group === undefined ? undefined : (await store.getGroup(record.group))?.labels;
  return {
    id: record.id,
    namespace: record.namespace,
    finding: record.finding,
    ...(record.group === undefined ? {} : { group: record.group }),
    ...(reporter !== undefined && reporter.group === record.group ? { pod: message.pod } : {}),
    ...(labels === undefined ? {} : { labels }),
  };
};

/** A violation that is gone (or not a violation) is skipped; a failure on one is recorded and the rest go on. */
export const respondOnViolations = async (
  message: ViolationsMessage,
  store: ViolationStore,
  deps: RespondDeps,
  now: string,
): Promise<BatchResponse> => {
  const result: BatchResponse = { responded: 0, runs: [], failures: [] };
  for (const id of message.violationIds) {
    try {
      const record = await store.getFinding(id);
      if (record === undefined || record.kind !== 'violation') continue;
      result.runs.push(
        ...(await respondToFinding(await responseFindingOf(record, message, store), now, deps)),
      );
      result.responded += 1;
    } catch (error) {
      result.failures.push({ findingId: id, error: (error as Error).message });
    }
  }
  return result;
};
