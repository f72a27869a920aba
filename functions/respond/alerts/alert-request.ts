/** What notify-slack asks for: a finding, the rule that matched, where to post, and which buttons to offer. */
import type { CaptureFinding } from '#core/finding.ts';
import type { ResponseFinding } from '../response-finding.ts';

export const alertButtons = ['quarantine', 'release', 'capture', 'allow', 'mute'] as const;
export type AlertButton = (typeof alertButtons)[number];

export type AlertRequest = {
  channel: string;
  finding: ResponseFinding;
  rule?: string;
  buttons: readonly AlertButton[];
  /** Results of the rule's earlier actions (e.g. "capture requested", "quarantined"), shown on the alert. */
  outcomes: string[];
  /** Link to a packet capture, when one was taken. */
  captureLink?: string;
};

export type AlertOutcome = {
  status: 'posted' | 'updated' | 'grouped' | 'muted';
  channel: string;
  ts?: string;
  /** Set when a mute held the alert back: the mute's id. */
  muteId?: string;
};

/** An alert message a finished capture was added to. */
export type CaptureShown = { channel: string; ts: string; findingId: string };

export type AlertSender = {
  notify(request: AlertRequest, now: string): Promise<AlertOutcome>;
  /** The tap uploaded a capture (its `capture` finding): every alert that asked for it gets the download link. */
  captureReady(capture: CaptureFinding): Promise<CaptureShown[]>;
};
