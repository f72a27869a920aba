/** Performs planned changes in order through the injected dependencies; stops at a conflict, a missing pod or an error. */
import { createHmac } from 'node:crypto';
import type { ActionResult } from './action.ts';
import type { ActionDeps } from './action-deps.ts';
import type { Change, ChangeKind } from './change.ts';
import { deliverByAnnotation } from './deliver-by-annotation.ts';

type Outcome = {
  outcome: 'ok' | 'unchanged' | 'conflict' | 'not-found';
  note?: string;
  link?: [string, string];
};
type Applier<K extends ChangeKind> = (
  change: Extract<Change, { kind: K }>,
  deps: ActionDeps,
) => Promise<Outcome>;

const ok: Outcome = { outcome: 'ok' };

const postJson: Applier<'http-post'> = async (change, deps) => {
  const body = JSON.stringify(change.body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'meshward' };
  const secret = change.secretEnv === undefined ? undefined : deps.secret(change.secretEnv);
  if (secret !== undefined) {
    headers['x-meshward-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  }
  const { status } = await deps.httpPost(change.url, body, headers);
  if (status < 200 || status >= 300) throw new Error(`${change.url} answered HTTP ${status}`);
  return ok;
};

/** The annotation fallback for a command whose pod is named (see deliver-by-annotation.ts). */
const byAnnotation = async (
  pod: { namespace: string; name: string } | undefined,
  uid: string,
  token: string,
  deps: ActionDeps,
): Promise<Outcome> => {
  const note = pod === undefined ? undefined : await deliverByAnnotation(deps, { ...pod, uid }, token);
  return note === undefined ? ok : { outcome: 'ok', note };
};

const appliers: { [K in ChangeKind]: Applier<K> } = {
  note: async (change) => ({ outcome: 'unchanged', note: change.summary }),
  'patch-pod': async (change, deps) => {
    const result = await deps.kube.patchPod(change.namespace, change.name, change.patch, 'merge');
    return typeof result === 'string' ? { outcome: result } : ok;
  },
  'create-network-policy': async (change, deps) =>
    (await deps.kube.createNetworkPolicy(change.namespace, change.policy)) === 'created'
      ? ok
      : { outcome: 'unchanged', note: 'the NetworkPolicy already existed' },
  'delete-network-policy': async (change, deps) =>
    (await deps.kube.deleteNetworkPolicy(change.namespace, change.name)) === 'deleted'
      ? ok
      : { outcome: 'unchanged', note: 'the NetworkPolicy was already gone' },
  'create-event': async (change, deps) => {
    await deps.kube.createEvent(change.namespace, change.event);
    return ok;
  },
  'tap-command': async (change, deps) => {
    const { token } = await deps.tap.send(change.command);
    return byAnnotation(change.pod, change.command.podUid, token, deps);
  },
  capture: async (change, deps) => {
    const uploadUrl = await deps.objectStore.uploadUrl(change.key, 15 * 60);
    const { id, podUid, beforeSeconds, afterSeconds, flow } = change;
    const filter = flow === undefined ? {} : { flow };
    const sent = await deps.tap.send({
      kind: 'capture',
      id,
      podUid,
      beforeSeconds,
      afterSeconds,
      uploadUrl,
      ...filter,
    });
    const delivered = await byAnnotation(change.pod, podUid, sent.token, deps);
    return { ...delivered, link: ['capture', await deps.objectStore.link(change.key)] };
  },
  'set-group-mode': async (change, deps) => {
    const result = await deps.groups.setMode(change.group, change.mode, deps.now());
    if (result === 'unknown') return { outcome: 'not-found', note: `no group ${change.group}` };
    for (const podUid of change.podUids) await deps.tap.send({ kind: 'set-mode', podUid, mode: change.mode });
    return result === 'changed' ? ok : { outcome: 'unchanged', note: `already in ${change.mode} mode` };
  },
  'http-post': postJson,
  'slack-alert': async (change, deps) => {
    const sent = await deps.alerts.notify(change.request, deps.now());
    const note = sent.status === 'muted' ? `alert held back by mute ${sent.muteId}` : `alert ${sent.status}`;
    const link: [string, string] | undefined =
      sent.ts === undefined ? undefined : ['message', `${sent.channel}/${sent.ts}`];
    return {
      outcome: sent.status === 'muted' ? 'unchanged' : 'ok',
      note,
      ...(link === undefined ? {} : { link }),
    };
  },
  'record-quarantine': async (change, deps) => {
    if (change.record === undefined) await deps.quarantines.deleteQuarantine(change.podUid);
    else await deps.quarantines.putQuarantine(change.record);
    return ok;
  },
};

const applyOne = (change: Change, deps: ActionDeps): Promise<Outcome> =>
  (appliers[change.kind] as Applier<ChangeKind>)(change as never, deps);

export const applyChanges = async (
  action: string,
  changes: readonly Change[],
  deps: ActionDeps,
): Promise<ActionResult> => {
  const result: ActionResult = { action, status: 'unchanged', applied: [], notes: [] };
  for (const change of changes) {
    let outcome: Outcome;
    try {
      outcome = await applyOne(change, deps);
    } catch (error) {
      return { ...result, status: 'failed', error: `${change.summary}: ${(error as Error).message}` };
    }
    if (outcome.note !== undefined) result.notes.push(outcome.note);
    if (outcome.link !== undefined) result.links = { ...result.links, [outcome.link[0]]: outcome.link[1] };
    if (outcome.outcome === 'conflict' || outcome.outcome === 'not-found') {
      return { ...result, status: outcome.outcome };
    }
    if (outcome.outcome === 'ok') {
      result.applied.push(change.summary);
      result.status = 'done';
    }
  }
  return result;
};
