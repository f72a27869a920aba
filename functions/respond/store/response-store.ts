/** What the response path persists: audit records, mutes, alert groups, button tokens, quarantines, rate windows. */
import type { AlertRequest } from '../alerts/alert-request.ts';
import type { Matcher } from '../mutes/matcher.ts';

export type AuditRecord = {
  id: string;
  at: string;
  /** `rule:<id>`, `slack:<user id>`, `api:<subject>`. */
  actor: string;
  action: string;
  /** What it acted on: `pod:<ns>/<name>`, `group:<ns>/<name>`, `finding:<id>`, `mute:<id>`. */
  target: string;
  reason: string;
  status: string;
  detail: string[];
  findingId?: string;
};

export type AuditFilter = {
  since?: string;
  target?: string;
  actor?: string;
  action?: string;
  limit?: number;
};

export type Mute = {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  /** `notify` silences alerts only (Alertmanager's meaning); `all` also holds back automatic actions. */
  scope: 'notify' | 'all';
  /** Set when someone ended the mute early. */
  expiredAt?: string;
  /** How many alerts it held back: muted alerts are counted, never dropped without a trace. */
  suppressed: number;
};

/** One Slack message that stands for a group of similar alerts. */
export type AlertGroup = {
  key: string;
  channel: string;
  ts: string;
  firstAt: string;
  lastAt: string;
  total: number;
  /** Alerts since the message was last refreshed, folded into "N more in the last M minutes". */
  pending: number;
  lastUpdateAt: string;
  /** The first finding's id: the message's buttons act on it. */
  findingId: string;
  /** Everything needed to render the message again (chat.update replaces it whole). */
  view: AlertView;
};

export type AlertView = {
  request: AlertRequest;
  /** Button action → the opaque interaction id it carries. */
  buttons: Record<string, string>;
  /** What people did from the message ("Quarantined by <@U1> at …"), oldest first. */
  status: string[];
  /** One line about the newest repeat. */
  latest?: string;
  /** Packet captures taken for this alert (by its rule or its Capture button), filled in when the tap uploads them. */
  captures?: AlertCapture[];
};

export type AlertCapture = {
  /** The object store's download link (presigned GET). */
  link: string;
  /** Set once the tap reported the upload (a `capture` finding). */
  ready?: { packets: number; bytes: number; from: string; to: string };
};

/** What a button stands for: its value is only this record's opaque id, looked up server-side. */
export type Interaction = {
  id: string;
  action: string;
  findingId?: string;
  pod?: { namespace: string; name: string; uid?: string };
  group?: string;
  matchers?: Matcher[];
  message?: { channel: string; ts: string };
  /** The alert group the message belongs to, so a result can re-render it. */
  groupKey?: string;
  expiresAt: string;
};

export type QuarantineRecord = {
  podUid: string;
  namespace: string;
  name: string;
  by: string;
  reason: string;
  at: string;
  findingId?: string;
};

export type ResponseStore = {
  appendAudit(record: AuditRecord): Promise<void>;
  /** Newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  putMute(mute: Mute): Promise<void>;
  getMute(id: string): Promise<Mute | undefined>;
  /** Every mute, or those active at a time (started, not ended, not expired). */
  listMutes(activeAt?: string): Promise<Mute[]>;
  /** Counts one alert held back by a mute. */
  countSuppressed(id: string): Promise<void>;
  getAlertGroup(key: string): Promise<AlertGroup | undefined>;
  putAlertGroup(group: AlertGroup): Promise<void>;
  listAlertGroups(): Promise<AlertGroup[]>;
  putInteraction(interaction: Interaction): Promise<void>;
  getInteraction(id: string): Promise<Interaction | undefined>;
  putQuarantine(record: QuarantineRecord): Promise<void>;
  deleteQuarantine(podUid: string): Promise<void>;
  listQuarantines(): Promise<QuarantineRecord[]>;
  /** Adds one hit to a fixed window (`key`, window start) and returns the window's count after it. */
  hit(key: string, windowStart: string): Promise<number>;
  close(): Promise<void>;
};
