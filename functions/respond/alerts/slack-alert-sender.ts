/** Sends alerts to Slack: mutes hold them back (counted), repeats update one message and thread, buttons get opaque ids. */
import { randomBytes } from 'node:crypto';
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';
import { activeMute } from '../mutes/active-mute.ts';
import { alertLabels } from '../mutes/alert-labels.ts';
import type { AlertGroup, Interaction, ResponseStore } from '../store/response-store.ts';
import { alertGroupKey, muteMatchersOf } from './alert-group-key.ts';
import { alertMessage, repeatSummary } from './alert-message.ts';
import type { AlertOutcome, AlertRequest, AlertSender } from './alert-request.ts';

export type AlertSenderOptions = {
  /** A repeat later than this after the last one starts a new message. */
  groupWindowSeconds?: number;
  /** A group's message is refreshed at most this often; repeats in between are counted and shown then. */
  updateIntervalSeconds?: number;
  /** How long a button keeps working. */
  buttonTtlSeconds?: number;
};

export type SlackAlertSender = AlertSender & {
  /** Refreshes every group with repeats not shown yet (run on a timer): nothing waits forever. */
  flush(now: string): Promise<number>;
};

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const newId = () => randomBytes(18).toString('base64url');

const latestLine = (request: AlertRequest, at: string): string => {
  const finding = request.finding.finding;
  const flow =
    'client' in finding && 'server' in finding
      ? `${finding.client.ip} → ${finding.server.ip}:${finding.server.port}`
      : '';
  return `${request.finding.pod?.name ?? request.finding.namespace} ${flow} at ${at}`.replace(/\s+/g, ' ');
};

export const createSlackAlertSender = (
  slack: SlackApi,
  store: ResponseStore,
  options: AlertSenderOptions = {},
): SlackAlertSender => {
  const windowSeconds = options.groupWindowSeconds ?? 3600;
  const intervalSeconds = options.updateIntervalSeconds ?? 30;
  const ttlSeconds = options.buttonTtlSeconds ?? 7 * 24 * 3600;

  const interactionsFor = (
    request: AlertRequest,
    labels: Record<string, string>,
    key: string,
    now: string,
  ) => {
    const expiresAt = new Date(Date.parse(now) + ttlSeconds * 1000).toISOString();
    const { finding } = request;
    return request.buttons.map(
      (action): Interaction => ({
        id: newId(),
        action,
        findingId: finding.id,
        ...(finding.pod === undefined ? {} : { pod: finding.pod }),
        ...(finding.group === undefined ? {} : { group: finding.group }),
        ...(action === 'mute' ? { matchers: muteMatchersOf(labels) } : {}),
        groupKey: key,
        expiresAt,
      }),
    );
  };

  const postNew = async (request: AlertRequest, labels: Record<string, string>, key: string, now: string) => {
    const interactions = interactionsFor(request, labels, key, now);
    const group: AlertGroup = {
      key,
      channel: request.channel,
      ts: '',
      firstAt: now,
      lastAt: now,
      total: 1,
      pending: 0,
      lastUpdateAt: now,
      findingId: request.finding.id,
      view: { request, buttons: Object.fromEntries(interactions.map((i) => [i.action, i.id])), status: [] },
    };
    const posted = await slack.postMessage(request.channel, alertMessage(group));
    const stored = { ...group, channel: posted.channel, ts: posted.ts };
    await store.putAlertGroup(stored);
    for (const interaction of interactions) {
      await store.putInteraction({ ...interaction, message: { channel: posted.channel, ts: posted.ts } });
    }
    return stored;
  };

  const refresh = async (group: AlertGroup, now: string): Promise<AlertGroup> => {
    await slack.updateMessage(group.channel, group.ts, alertMessage(group));
    const summary = `${group.pending} more (${repeatSummary(group) ?? ''}); latest: ${group.view.latest ?? ''}`;
    await slack.postMessage(group.channel, { text: summary, blocks: [] }, group.ts);
    const refreshed = { ...group, pending: 0, lastUpdateAt: now };
    await store.putAlertGroup(refreshed);
    return refreshed;
  };

  const repeat = async (group: AlertGroup, request: AlertRequest, now: string): Promise<AlertOutcome> => {
    const grown: AlertGroup = {
      ...group,
      total: group.total + 1,
      pending: group.pending + 1,
      lastAt: now,
      view: { ...group.view, latest: latestLine(request, now) },
    };
    if (seconds(group.lastUpdateAt, now) < intervalSeconds) {
      await store.putAlertGroup(grown);
      return { status: 'grouped', channel: group.channel, ts: group.ts };
    }
    await refresh(grown, now);
    return { status: 'updated', channel: group.channel, ts: group.ts };
  };

  return {
    async notify(request, now) {
      const labels = alertLabels(request.finding);
      const mute = activeMute(await store.listMutes(now), labels, now);
      if (mute !== undefined) {
        await store.countSuppressed(mute.id);
        return { status: 'muted', channel: request.channel, muteId: mute.id };
      }
      const key = alertGroupKey(request.channel, labels);
      const group = await store.getAlertGroup(key);
      if (group === undefined || group.ts === '' || seconds(group.lastAt, now) > windowSeconds) {
        const posted = await postNew(request, labels, key, now);
        return { status: 'posted', channel: posted.channel, ts: posted.ts };
      }
      return repeat(group, request, now);
    },
    async flush(now) {
      const due = (await store.listAlertGroups()).filter(
        (group) => group.pending > 0 && seconds(group.lastUpdateAt, now) >= intervalSeconds,
      );
      for (const group of due) await refresh(group, now);
      return due.length;
    },
  };
};
