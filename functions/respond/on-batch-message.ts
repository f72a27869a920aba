/** What respond does with one batch: each finding a rule could match responded to; each finished capture shown on its alerts. */
import type { Finding } from '#core/finding.ts';
import type { BatchMessage } from '#functions/platform/bus/bus.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { onCaptureReady } from './on-capture-ready.ts';
import type { RespondDeps } from './respond-deps.ts';
import type { ResponseFinding } from './response-finding.ts';
import { type RuleRun, respondToFinding } from './run.ts';

export type BatchResponse = {
  responded: number;
  runs: RuleRun[];
  failures: { findingId: string; error: string }[];
};

const findingsOf = async (message: BatchMessage, store: Pick<Store, 'listFindings'>): Promise<Finding[]> =>
  message.findings ??
  (await store.listFindings({ batchId: message.batchId, limit: 10_000 }))
    .reverse()
    .map((record) => record.finding);

/** The batch's findings whose type some rule matches, as the response path sees them (`batchId#index` ids). */
export const responseFindingsOf = async (
  message: BatchMessage,
  findings: readonly Finding[],
  store: Pick<Store, 'getPod' | 'getGroup'>,
  types: ReadonlySet<string>,
): Promise<ResponseFinding[]> => {
  if (!findings.some((finding) => types.has(finding.type))) return [];
  const group = (await store.getPod(message.pod.uid))?.group;
  const labels = group === undefined ? undefined : (await store.getGroup(group))?.labels;
  return findings.flatMap((finding, index) =>
    types.has(finding.type)
      ? [
          {
            id: `${message.batchId}#${index}`,
            namespace: message.pod.namespace,
            pod: message.pod,
            finding,
            ...(finding.type === 'violation'
              ? { group: finding.group }
              : group === undefined
                ? {}
                : { group }),
            ...(labels === undefined ? {} : { labels }),
          },
        ]
      : [],
  );
};

/** A failure on one finding is recorded and the rest go on: the finding itself is already stored by ingest. */
export const respondOnBatch = async (
  message: BatchMessage,
  store: Pick<Store, 'listFindings' | 'getPod' | 'getGroup'>,
  deps: RespondDeps,
  now: string,
): Promise<BatchResponse> => {
  const types = new Set(deps.rules.flatMap((rule) => rule.match.types));
  const result: BatchResponse = { responded: 0, runs: [], failures: [] };
  const findings = await findingsOf(message, store);
  for (const finding of await responseFindingsOf(message, findings, store, types)) {
    try {
      result.runs.push(...(await respondToFinding(finding, now, deps)));
      result.responded += 1;
    } catch (error) {
      result.failures.push({ findingId: finding.id, error: (error as Error).message });
    }
  }
  for (const [index, finding] of findings.entries()) {
    if (finding.type !== 'capture') continue;
    // A failure here is recorded; the capture itself is stored by ingest and listed by the API either way.
    await onCaptureReady(finding, message.pod, deps, now).catch((error: unknown) =>
      result.failures.push({ findingId: `${message.batchId}#${index}`, error: (error as Error).message }),
    );
  }
  return result;
};
