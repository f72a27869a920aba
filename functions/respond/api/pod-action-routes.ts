/** Operators act on one pod through the API: quarantine, release, capture — through the respond actions and audit trail. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import type { PodRef } from '#core/workload.ts';
import {
  type ApiDeps,
  type ApiRequest,
  type ApiResult,
  type ApiRoute,
  fail,
} from '#functions/api/api-route.ts';
import type { ActionTarget } from '../action-target.ts';
import { targetOf } from '../audit.ts';
import { observePod } from '../observe-pod.ts';
import { quarantineLabel } from '../quarantine-labels.ts';
import type { RespondDeps } from '../respond-deps.ts';
import { actForPerson, answerOf } from './act-for-person.ts';
import { type CaptureView, captureViews } from './capture-views.ts';

const reason = z.string().trim().min(1).max(512);
const quarantineBody = z.strictObject({ reason, detach: z.boolean().default(false) });
const releaseBody = z.strictObject({ reason: reason.default('released through the API') });
/** The capture's own parameters (seconds, flow) are checked by the capture action's schema. */
const captureBody = z.looseObject({
  reason: reason.default('capture requested through the API'),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'requestId must be 8 to 64 letters, digits, - or _')
    .optional(),
});

type Respond = () => Promise<RespondDeps>;

const invalid = (what: string, error: z.ZodError): ApiResult =>
  fail(400, 'bad-request', `${what} is invalid`, describeZodError(error));

/** The pod a uid names, as its tap last reported it; meshward knows pods from their taps' heartbeats. */
const knownPod = async (uid: string, deps: ApiDeps): Promise<PodRef | undefined> =>
  (await deps.store.getPod(uid))?.pod;

const unknownPod = (uid: string): ApiResult =>
  fail(404, 'not-found', `no pod with uid ${uid}: meshward knows the pods whose tap has reported`);

const targetFor = (request: ApiRequest, pod: PodRef, why: string, deps: ApiDeps) =>
  ({
    actor: `api:${request.caller.subject}`,
    reason: why,
    now: deps.now().toISOString(),
    pod,
  }) satisfies Omit<ActionTarget, 'podState'>;

type PodHandler = (
  request: ApiRequest,
  pod: PodRef,
  deps: ApiDeps,
  respond: RespondDeps,
) => Promise<ApiResult>;

/** Resolves the uid to a known pod (404 otherwise), then runs the handler with the respond dependencies. */
const onPod =
  (respond: Respond, handler: PodHandler) =>
  async (request: ApiRequest, deps: ApiDeps): Promise<ApiResult> => {
    const uid = request.pathParameters.uid ?? '';
    const pod = await knownPod(uid, deps);
    if (pod === undefined) return unknownPod(uid);
    return handler(request, pod, deps, await respond());
  };

const quarantine: PodHandler = async (request, pod, deps, respond) => {
  const body = quarantineBody.safeParse(request.body ?? {});
  if (!body.success) return invalid('quarantine request', body.error);
  const target = targetFor(request, pod, body.data.reason, deps);
  const params = { detach: body.data.detach };
  return answerOf(await actForPerson({ action: 'quarantine-pod', params, target }, respond));
};

/** Release refuses a pod that is not quarantined (409) rather than report a release that did nothing. */
const release: PodHandler = async (request, pod, deps, respond) => {
  const body = releaseBody.safeParse(request.body ?? {});
  if (!body.success) return invalid('release request', body.error);
  let state: Awaited<ReturnType<typeof observePod>>;
  try {
    state = await observePod(respond.actionDeps.kube, pod);
  } catch (error) {
    return fail(
      502,
      'action-failed',
      `cannot read pod ${pod.namespace}/${pod.name}: ${(error as Error).message}`,
    );
  }
  if (state === undefined)
    return fail(404, 'not-found', `pod ${pod.namespace}/${pod.name} no longer exists in the cluster`);
  if (state.pod.metadata?.labels?.[quarantineLabel] === undefined)
    return fail(
      409,
      'conflict',
      `pod ${pod.namespace}/${pod.name} is not quarantined: there is nothing to release`,
    );
  const target = targetFor(request, pod, body.data.reason, deps);
  return answerOf(await actForPerson({ action: 'release-pod', params: {}, target }, respond));
};

/** The audit id a request id stands for: per caller, so two people's request ids never collide. */
const auditIdOf = (actor: string, requestId: string | undefined): string | undefined =>
  requestId === undefined
    ? undefined
    : `capture-${createHash('sha256').update(`${actor}\n${requestId}`).digest('hex').slice(0, 32)}`;

/** The capture an audit id recorded, as the captures list shows it (uploaded once the tap has reported). */
const capturedAs = async (
  id: string,
  target: Pick<ActionTarget, 'pod'>,
  deps: ApiDeps,
  respond: RespondDeps,
): Promise<CaptureView | undefined> => {
  const audit = await respond.store.listAudit({ action: 'capture', target: targetOf(target), limit: 1000 });
  const record = audit.find((candidate) => candidate.id === id);
  if (record === undefined) return undefined;
  return captureViews([record], await deps.store.listFindings({ kind: 'capture', limit: 1000 }))[0];
};

/** A repeated request id answers with the capture it started: a double click takes one capture, not two. */
const capture: PodHandler = async (request, pod, deps, respond) => {
  const body = captureBody.safeParse(request.body ?? {});
  if (!body.success) return invalid('capture request', body.error);
  const { reason: why, requestId, ...params } = body.data;
  const checked = respond.actions.find((candidate) => candidate.id === 'capture')?.params.safeParse(params);
  if (checked !== undefined && !checked.success) return invalid('capture parameters', checked.error);
  const target = targetFor(request, pod, why, deps);
  const auditId = auditIdOf(target.actor, requestId);
  const earlier = auditId === undefined ? undefined : await capturedAs(auditId, target, deps, respond);
  if (earlier !== undefined) return { status: 200, body: { capture: earlier, repeated: true } };
  const outcome = await actForPerson(
    { action: 'capture', params, target, ...(auditId === undefined ? {} : { auditId }) },
    respond,
  );
  const answer = answerOf(outcome, 201);
  if (answer.status !== 201) return answer;
  return {
    status: 201,
    body: { ...outcome, capture: await capturedAs(outcome.audit, target, deps, respond) },
  };
};

export const podActionRoutes = (respond: Respond): ApiRoute[] => [
  { route: 'POST /api/pods/{uid}/quarantine', role: 'operator', run: onPod(respond, quarantine) },
  { route: 'POST /api/pods/{uid}/release', role: 'operator', run: onPod(respond, release) },
  { route: 'POST /api/pods/{uid}/captures', role: 'operator', run: onPod(respond, capture) },
];
