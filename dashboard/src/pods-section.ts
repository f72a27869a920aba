/** The pods of the open service: quarantined or not, with Quarantine, Release and Capture for operators. */
import type { ApiAnswer, ApiClient } from './api-client.ts';
import type { ActionOutcome, Group, PodView } from './api-types.ts';
import { field, openDialog } from './dialog.ts';
import { el, timeAgo } from './dom.ts';

export type PodsContext = { api: ApiClient; operator: boolean; onChanged: () => void };

/** The last action's outcome per service: it stays shown when the panel redraws with the pod's new state. */
const outcomes = new Map<string, string>();

const viewerHint = 'Operators can quarantine, release and capture; you are signed in as a viewer.';

/** What the action did, in one line; the error when it did not work. */
const outcomeLine = (pod: PodView, answer: ApiAnswer<ActionOutcome>): string => {
  if (!answer.ok) return `${pod.name}: ${answer.message}`;
  const { result } = answer.value;
  const notes = result.notes.length === 0 ? '' : ` (${result.notes.join('; ')})`;
  return `${pod.name}: ${result.action} ${result.status}${notes}`;
};

const act = async (
  context: PodsContext,
  pod: PodView,
  path: string,
  body: Record<string, unknown>,
): Promise<string | undefined> => {
  const answer = await context.api.send<ActionOutcome>(
    'POST',
    `/api/pods/${encodeURIComponent(pod.uid)}/${path}`,
    body,
  );
  if (!answer.ok) return answer.message;
  outcomes.set(pod.group, outcomeLine(pod, answer));
  context.onChanged();
  return undefined;
};

const text = (form: FormData, name: string): string => String(form.get(name) ?? '').trim();

const quarantineDialog = (pod: PodView, context: PodsContext) =>
  openDialog({
    title: `Quarantine ${pod.namespace}/${pod.name}?`,
    description:
      'Its tap drops all traffic but the control plane, a deny-all NetworkPolicy selects it, and the container keeps running for forensics. Release undoes it exactly.',
    fields: [
      field('Reason (recorded in the audit log and on the pod)', {
        name: 'reason',
        required: true,
        maxlength: 512,
        rows: 2,
      }),
      field('Detach it from its ReplicaSet and Services (the controller starts a clean replacement)', {
        name: 'detach',
        type: 'checkbox',
      }),
    ],
    confirm: 'Quarantine',
    tone: 'danger',
    onConfirm: (form) =>
      act(context, pod, 'quarantine', { reason: text(form, 'reason'), detach: form.get('detach') === 'on' }),
  });

const releaseDialog = (pod: PodView, context: PodsContext) =>
  openDialog({
    title: `Release ${pod.namespace}/${pod.name}?`,
    description: `Quarantined by ${pod.quarantine?.by ?? 'someone'}: ${pod.quarantine?.reason ?? ''}. Its traffic flows again.`,
    fields: [
      field('Reason', { name: 'reason', maxlength: 512, rows: 2, placeholder: 'released through the API' }),
    ],
    confirm: 'Release',
    onConfirm: (form) => {
      const reason = text(form, 'reason');
      return act(context, pod, 'release', reason === '' ? {} : { reason });
    },
  });

/** Capture parameters as the API takes them; an empty flow IP means the whole pod's traffic. */
const captureBody = (form: FormData, requestId: string): Record<string, unknown> => {
  const ip = text(form, 'flow-ip');
  const reason = text(form, 'reason');
  return {
    requestId,
    beforeSeconds: Number(text(form, 'before')),
    afterSeconds: Number(text(form, 'after')),
    ...(ip === '' ? {} : { flow: { ip, port: Number(text(form, 'flow-port')) } }),
    ...(reason === '' ? {} : { reason }),
  };
};

const captureDialog = (pod: PodView, context: PodsContext) => {
  // One id per dialog: submitting twice (a double click, a retry) takes one capture.
  const requestId = crypto.randomUUID();
  return openDialog({
    title: `Capture on ${pod.namespace}/${pod.name}`,
    description:
      'The tap writes a pcap of the seconds before (from its ring buffer) and after now, and uploads it; it appears under Captures.',
    fields: [
      field('Seconds before', {
        name: 'before',
        type: 'number',
        min: 0,
        max: 300,
        value: 30,
        required: true,
      }),
      field('Seconds after', { name: 'after', type: 'number', min: 0, max: 600, value: 30, required: true }),
      field('Only the flow with IP (optional)', { name: 'flow-ip', placeholder: '10.0.0.9' }),
      field('and port', { name: 'flow-port', type: 'number', min: 0, max: 65535, value: 0 }),
      field('Reason', { name: 'reason', maxlength: 512, rows: 2 }),
    ],
    confirm: 'Start capture',
    onConfirm: (form) => act(context, pod, 'captures', captureBody(form, requestId)),
  });
};

const actionButton = (label: string, context: PodsContext, onclick: () => void, kind: string) =>
  el(
    'button',
    {
      type: 'button',
      class: `pod-action ${kind}`,
      'data-action': kind,
      disabled: !context.operator,
      title: context.operator ? undefined : viewerHint,
      onclick,
    },
    [label],
  );

const podLine = (pod: PodView, context: PodsContext) => {
  const q = pod.quarantine;
  return el('li', { 'data-pod': pod.name, 'data-quarantined': String(q !== undefined) }, [
    el('span', { class: 'pod-name' }, [pod.name]),
    q === undefined
      ? el('span', { class: `pod-state ${pod.live ? 'live' : 'stale'}` }, [
          pod.live ? `running, seen ${timeAgo(pod.lastSeen)}` : `not seen since ${timeAgo(pod.lastSeen)}`,
        ])
      : el('span', { class: 'pod-state quarantined' }, [
          `quarantined by ${q.by} ${timeAgo(q.at)}: ${q.reason}`,
        ]),
    el('span', { class: 'pod-buttons' }, [
      q === undefined
        ? actionButton('Quarantine…', context, () => quarantineDialog(pod, context), 'quarantine')
        : actionButton('Release…', context, () => releaseDialog(pod, context), 'release'),
      actionButton('Capture…', context, () => captureDialog(pod, context), 'capture'),
    ]),
  ]);
};

export const podsSection = async (group: Group, context: PodsContext): Promise<HTMLElement> => {
  const answer = await context.api.get<{ pods: PodView[] }>(
    `/api/groups/${encodeURIComponent(group.namespace)}/${encodeURIComponent(group.name)}/pods`,
  );
  const body = !answer.ok
    ? el('p', { role: 'alert' }, [`Pods unavailable: ${answer.message}`])
    : answer.value.pods.length === 0
      ? el('p', { class: 'muted' }, ['No pods reported: inject a tap into this workload to act on its pods.'])
      : el(
          'ul',
          { class: 'pods' },
          answer.value.pods.map((pod) => podLine(pod, context)),
        );
  return el('section', { class: 'pods-section' }, [
    el('h3', {}, ['Pods']),
    context.operator ? undefined : el('p', { class: 'muted hint' }, [viewerHint]),
    body,
    el('p', { class: 'status pod-outcome', role: 'status', 'aria-live': 'polite' }, [
      outcomes.get(group.key) ?? '',
    ]),
  ]);
};
