/** The captures list: each audited capture action, joined with the tap's report of its upload (a capture finding). */
import type { CaptureFinding } from '#core/finding.ts';
import type { FindingRecord } from '#functions/platform/store/store.ts';
import type { AuditRecord } from '../store/response-store.ts';

export type CaptureView = {
  /** The audit record's id. */
  id: string;
  at: string;
  actor: string;
  reason: string;
  /** `namespace/name` of the pod captured on. */
  pod: string;
  /** `pending` until the tap reports the upload; `failed` when the command could not be sent. */
  status: 'pending' | 'uploaded' | 'failed';
  /** The object store's link (presigned GET: S3, or the control plane's `/captures/...` locally). */
  download?: string;
  packets?: number;
  bytes?: number;
  from?: string;
  to?: string;
  detail: string[];
};

const linkPrefix = 'capture: ';

const linkOf = (record: AuditRecord): string | undefined =>
  record.detail.find((line) => line.startsWith(linkPrefix))?.slice(linkPrefix.length);

/** A URL without its query: what the tap reports as the capture's location (the signature is secret). */
export const locationOf = (url: string): string | undefined => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
};

const uploadsByLocation = (findings: readonly FindingRecord[]): Map<string, CaptureFinding> => {
  const uploads = new Map<string, CaptureFinding>();
  for (const record of findings) {
    if (record.finding.type !== 'capture') continue;
    const location = locationOf(record.finding.location);
    if (location !== undefined) uploads.set(location, record.finding);
  }
  return uploads;
};

const statusOf = (record: AuditRecord, upload: CaptureFinding | undefined): CaptureView['status'] => {
  if (record.status !== 'done') return 'failed';
  return upload === undefined ? 'pending' : 'uploaded';
};

/** Newest first, as the audit trail is; dry runs and skipped captures took nothing and are left out. */
export const captureViews = (
  audit: readonly AuditRecord[],
  findings: readonly FindingRecord[],
): CaptureView[] => {
  const uploads = uploadsByLocation(findings);
  return audit
    .filter((record) => record.action === 'capture' && !['dry-run', 'skipped'].includes(record.status))
    .map((record) => {
      const link = linkOf(record);
      const location = link === undefined ? undefined : locationOf(link);
      const upload = location === undefined ? undefined : uploads.get(location);
      const view: CaptureView = {
        id: record.id,
        at: record.at,
        actor: record.actor,
        reason: record.reason,
        pod: record.target.replace(/^pod:/, ''),
        status: statusOf(record, upload),
        ...(link === undefined ? {} : { download: link }),
        ...(upload === undefined
          ? {}
          : { packets: upload.packets, bytes: upload.bytes, from: upload.from, to: upload.to }),
        detail: record.detail.filter((line) => !line.startsWith(linkPrefix)),
      };
      return view;
    });
};
