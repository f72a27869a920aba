/** Renders an alert group as one Slack message: header, facts, evidence, repeat summary, status, and buttons. */
import {
  actions,
  type Block,
  button,
  confirm,
  context,
  escapeMrkdwn,
  fields,
  header,
  message,
  type SlackMessage,
  section,
  truncate,
} from '#functions/platform/slack/block-kit.ts';
import type { AlertGroup } from '../store/response-store.ts';
import { captureLine, capturesOf } from './alert-captures.ts';
import type { AlertButton } from './alert-request.ts';
import { alertDetail, alertFacts, alertTitle } from './alert-title.ts';

const labels: Record<AlertButton, string> = {
  quarantine: 'Quarantine',
  release: 'Release',
  capture: 'Capture',
  allow: 'Allow',
  mute: 'Mute 1h',
};

const buttonFor = (action: AlertButton, id: string, target: string) =>
  button({
    text: labels[action],
    actionId: `meshward:${action}`,
    value: id,
    ...(action === 'quarantine'
      ? {
          style: 'danger' as const,
          confirm: confirm(
            'Quarantine this pod?',
            `All traffic of ${target} will be cut. The pod keeps running for forensics.`,
            'Quarantine',
          ),
        }
      : {}),
  });

/** "37 more in the last 10 minutes": repeats are summarised, never dropped. */
export const repeatSummary = (
  group: Pick<AlertGroup, 'total' | 'firstAt' | 'lastAt'>,
): string | undefined => {
  if (group.total <= 1) return undefined;
  const minutes = Math.max(1, Math.ceil((Date.parse(group.lastAt) - Date.parse(group.firstAt)) / 60_000));
  return `${group.total - 1} more in the last ${minutes} minute${minutes === 1 ? '' : 's'}`;
};

const contextLines = (group: AlertGroup): string[] => {
  const { request } = group.view;
  return [
    `Finding \`${request.finding.id}\``,
    `first seen ${group.firstAt}`,
    ...(request.rule === undefined ? [] : [`rule \`${request.rule}\``]),
    // The newest three: a context block holds ten elements, and older captures stay in the audit trail.
    ...capturesOf(group.view).slice(-3).map(captureLine),
  ];
};

export const alertMessage = (group: AlertGroup): SlackMessage => {
  const { request, buttons, status, latest } = group.view;
  const title = alertTitle(request.finding);
  const detail = alertDetail(request.finding.finding);
  const summary = repeatSummary(group);
  const target = `${request.finding.namespace}/${request.finding.pod?.name ?? request.finding.group ?? '?'}`;
  const blocks: Block[] = [
    header(title),
    // Values come from findings (a peer, an address a header named): escaped, so none becomes a mention or a link.
    fields(alertFacts(request.finding).map(([name, value]): [string, string] => [name, escapeMrkdwn(value)])),
    ...(detail === undefined ? [] : [section(`\`\`\`${truncate(escapeMrkdwn(detail), 1000)}\`\`\``)]),
    ...(summary === undefined
      ? []
      : [section(`*${summary}*${latest === undefined ? '' : ` (latest: ${latest})`}`)]),
    ...(request.outcomes.length === 0 ? [] : [context(request.outcomes)]),
    ...(status.length === 0 ? [] : [section(status.slice(-10).join('\n'))]),
    context(contextLines(group)),
  ];
  const shown = request.buttons.filter((action) => buttons[action] !== undefined);
  if (shown.length > 0) {
    blocks.push(
      actions(
        'meshward-actions',
        shown.map((action) => buttonFor(action, buttons[action] ?? '', target)),
      ),
    );
  }
  return message(summary === undefined ? title : `${title} (${summary})`, blocks);
};
