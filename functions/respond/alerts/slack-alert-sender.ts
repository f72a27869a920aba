/** Sends alerts to Slack: mutes hold them back (counted), repeats update one message and thread, buttons get opaque ids. */
import { randomBytes } from 'node:crypto';
import type { CaptureFinding } from '#core/finding.ts';
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';
import { activeMute } from '../mutes/active-mute.ts';
import { alertLabels } from '../mutes/alert-labels.ts';
import type { AlertGroup, Interaction, ResponseStore } from '../store/response-store.ts';
import { captureLine, withCapture, withCaptureReady } from './alert-captures.ts';
import { alertGroupKey, muteMatchersOf } from './alert-group-key.ts';
import { alertMessage, repeatSummary } from './alert-message.ts';
import type { AlertOutcome, AlertRequest, AlertSender, CaptureShown } from './alert-request.ts';

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

type Context = {
  slack: SlackApi;
  store: ResponseStore;
  windowSeconds: number;
  intervalSeconds: number;
  ttlSeconds: number;
};

const interactionsFor = (
  ctx: Context,
  request: AlertRequest,
  labels: Record<string, string>,
  key: string,
  now: string,
) => {
  const expiresAt = new Date(Date.parse(now) + ctx.ttlSeconds * 1000).toISOString();
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

const postNew = async (
  ctx: Context,
  request: AlertRequest,
  labels: Record<string, string>,
  key: string,
  now: string,
): Promise<AlertGroup> => {
  const interactions = interactionsFor(ctx, request, labels, key, now);
  const buttons = Object.fromEntries(interactions.map((i) => [i.action, i.id]));
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
    view: withCapture({ request, buttons, status: [] }, request.captureLink),
  };
  const posted = await ctx.slack.postMessage(request.channel, alertMessage(group));
  const stored = { ...group, channel: posted.channel, ts: posted.ts };
  await ctx.store.putAlertGroup(stored);
  for (const interaction of interactions) {
    await ctx.store.putInteraction({ ...interaction, message: { channel: posted.channel, ts: posted.ts } });
  }
  return stored;
};

/** Updates the group's message and threads one line about the repeats it had not shown yet. */
const refresh = async (ctx: Context, group: AlertGroup, now: string): Promise<void> => {
  await ctx.slack.updateMessage(group.channel, group.ts, alertMessage(group));
  const summary = `${group.pending} more (${repeatSummary(group) ?? ''}); latest: ${group.view.latest ?? ''}`;
  await ctx.slack.postMessage(group.channel, { text: summary, blocks: [] }, group.ts);
  await ctx.store.putAlertGroup({ ...group, pending: 0, lastUpdateAt: now });
};

const repeat = async (
  ctx: Context,
  group: AlertGroup,
  request: AlertRequest,
  now: string,
): Promise<AlertOutcome> => {
  const grown: AlertGroup = {
    ...group,
    total: group.total + 1,
    pending: group.pending + 1,
    lastAt: now,
    view: withCapture({ ...group.view, latest: latestLine(request, now) }, request.captureLink),
  };
  if (seconds(group.lastUpdateAt, now) < ctx.intervalSeconds) {
    await ctx.store.putAlertGroup(grown);
    return { status: 'grouped', channel: group.channel, ts: group.ts };
  }
  await refresh(ctx, grown, now);
  return { status: 'updated', channel: group.channel, ts: group.ts };
};

const notify = async (ctx: Context, request: AlertRequest, now: string): Promise<AlertOutcome> => {
  const labels = alertLabels(request.finding);
  const mute = activeMute(await ctx.store.listMutes(now), labels, now);
  if (mute !== undefined) {
    await ctx.store.countSuppressed(mute.id);
    return { status: 'muted', channel: request.channel, muteId: mute.id };
  }
  const key = alertGroupKey(request.channel, labels);
  const group = await ctx.store.getAlertGroup(key);
  if (group === undefined || group.ts === '' || seconds(group.lastAt, now) > ctx.windowSeconds) {
    const posted = await postNew(ctx, request, labels, key, now);
    return { status: 'posted', channel: posted.channel, ts: posted.ts };
  }
  return repeat(ctx, group, request, now);
};

/** Shows the download link on each alert that asked for this capture, and says so in its thread. */
const captureReady = async (ctx: Context, capture: CaptureFinding): Promise<CaptureShown[]> => {
  const shown: CaptureShown[] = [];
  for (const group of await ctx.store.listAlertGroups()) {
    const found = group.ts === '' ? undefined : withCaptureReady(group.view, capture);
    if (found === undefined) continue;
    const updated: AlertGroup = { ...group, view: found.view };
    await ctx.store.putAlertGroup(updated);
    await ctx.slack.updateMessage(group.channel, group.ts, alertMessage(updated));
    await ctx.slack.postMessage(
      group.channel,
      { text: `Packet capture ready: ${captureLine(found.capture)}`, blocks: [] },
      group.ts,
    );
    shown.push({ channel: group.channel, ts: group.ts, findingId: group.view.request.finding.id });
  }
  return shown;
};

const flush = async (ctx: Context, now: string): Promise<number> => {
  const due = (await ctx.store.listAlertGroups()).filter(
    (group) => group.pending > 0 && seconds(group.lastUpdateAt, now) >= ctx.intervalSeconds,
  );
  for (const group of due) await refresh(ctx, group, now);
  return due.length;
};

export const createSlackAlertSender = (
  slack: SlackApi,
  store: ResponseStore,
  options: AlertSenderOptions = {},
): SlackAlertSender => {
  const ctx: Context = {
    slack,
    store,
    windowSeconds: options.groupWindowSeconds ?? 3600,
    intervalSeconds: options.updateIntervalSeconds ?? 30,
    ttlSeconds: options.buttonTtlSeconds ?? 7 * 24 * 3600,
  };
  return {
    notify: (request, now) => notify(ctx, request, now),
    captureReady: (capture) => captureReady(ctx, capture),
    flush: (now) => flush(ctx, now),
  };
};
