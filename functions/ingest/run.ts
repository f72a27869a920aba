/** Ingest: authenticate the tap, parse its batch, store it once, publish it, and answer with its pending commands. */
import { type FindingBatch, findingBatchSchema, type HeartbeatFinding } from '#core/finding.ts';
import { describeZodError } from '#core/issue.ts';
import type { LearnConfig } from '#functions/learn/learn-config.ts';
import { podRecordOf } from '#functions/learn/register-heartbeat.ts';
import { workloadOfPod } from '#functions/learn/workload-of-pod.ts';
import type { PodTokenVerifier } from '#functions/platform/auth/verify-pod-token.ts';
import type { Bus } from '#functions/platform/bus/bus.ts';
import type { CommandSigner } from '#functions/platform/keys/command-signer.ts';
import type { FindingRecord, Store } from '#functions/platform/store/store.ts';
import { protectRefresh } from '#functions/respond/protect-refresh.ts';
import { findingTime } from './finding-time.ts';

export type IngestDeps = {
  store: Store;
  bus: Bus;
  verifyPodToken: PodTokenVerifier;
  learnConfig: LearnConfig;
  /** Signs the protect-mode commands a heartbeat's answer carries; without it only queued commands go out. */
  signer?: CommandSigner | undefined;
  now: () => Date;
};

export type IngestRequest = { token: string | undefined; body: unknown };

export type IngestAnswer = { batchId: string; stored: boolean; accepted: number; commands: string[] };

export type IngestResult =
  | { status: 200; body: IngestAnswer }
  | { status: 400 | 401 | 403; body: { error: string; message: string; details: string[] } };

const refuse = (status: 400 | 401 | 403, message: string, details: string[] = []): IngestResult => {
  const error = status === 400 ? 'bad-request' : status === 401 ? 'unauthenticated' : 'forbidden';
  return { status, body: { error, message, details } };
};

/** The group this batch's findings are filed under: from its heartbeat, the known pod, or the pod's name. */
const groupOf = async (batch: FindingBatch, deps: IngestDeps): Promise<string> => {
  const heartbeat = batch.findings.find((f): f is HeartbeatFinding => f.type === 'heartbeat');
  if (heartbeat !== undefined) return podRecordOf(batch.pod, heartbeat, deps.learnConfig).group;
  const known = await deps.store.getPod(batch.pod.uid);
  if (known !== undefined) return known.group;
  const guess = workloadOfPod(batch.pod, undefined, deps.learnConfig.groupByLabel);
  return `${guess.namespace}/${guess.name}`;
};

const recordsOf = (batch: FindingBatch, group: string): FindingRecord[] =>
  batch.findings.map((finding, index) => ({
    id: `${batch.batchId}#${index}`,
    batchId: batch.batchId,
    podUid: batch.pod.uid,
    namespace: batch.pod.namespace,
    group: finding.type === 'violation' ? finding.group : group,
    kind: finding.type,
    at: findingTime(finding),
    finding,
  }));

export const ingest = async (request: IngestRequest, deps: IngestDeps): Promise<IngestResult> => {
  if (request.token === undefined)
    return refuse(401, 'missing bearer token: send the pod service-account token');
  const parsed = findingBatchSchema.safeParse(request.body);
  if (!parsed.success) return refuse(400, 'finding batch is invalid', describeZodError(parsed.error));
  const batch = parsed.data;
  const auth = await deps.verifyPodToken(request.token, batch.pod);
  if (!auth.ok) return refuse(auth.status, auth.reason);
  const receivedAt = deps.now().toISOString();
  const group = await groupOf(batch, deps);
  const findings = recordsOf(batch, group);
  const outcome = await deps.store.putBatch({
    batchId: batch.batchId,
    podUid: batch.pod.uid,
    receivedAt,
    findings,
  });
  if (outcome === 'stored') {
    await deps.bus.publish({
      type: 'batch',
      batchId: batch.batchId,
      pod: batch.pod,
      receivedAt,
      findings: batch.findings,
    });
  }
  const heartbeat = batch.findings.find((f): f is HeartbeatFinding => f.type === 'heartbeat');
  // Computed before the queued commands are taken, so a failure here loses none of them (the tap retries).
  const refresh =
    heartbeat === undefined || deps.signer === undefined
      ? []
      : await protectRefresh(batch.pod.uid, group, heartbeat, { ...deps, signer: deps.signer });
  const commands = await deps.store.takeCommands(batch.pod.uid, Math.floor(deps.now().getTime() / 1000));
  const body = {
    batchId: batch.batchId,
    stored: outcome === 'stored',
    accepted: batch.findings.length,
    commands: [...commands.map((c) => c.token), ...refresh],
  };
  return { status: 200, body };
};
