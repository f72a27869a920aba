/** A tap reported a finished capture: the alerts that asked for it get the download link, and the audit the upload. */
import type { CaptureFinding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import type { CaptureShown } from './alerts/alert-request.ts';
import type { RespondDeps } from './respond-deps.ts';

export const onCaptureReady = async (
  capture: CaptureFinding,
  pod: PodRef,
  deps: RespondDeps,
  now: string,
): Promise<CaptureShown[]> => {
  let shown: CaptureShown[] = [];
  let error: string | undefined;
  try {
    shown = await deps.actionDeps.alerts.captureReady(capture);
  } catch (failure) {
    // Slack being away must not lose the upload: the audit still records it, with why no alert shows it.
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const findingId = shown[0]?.findingId;
  await deps.store.appendAudit({
    id: deps.newId(),
    at: now,
    actor: `tap:${pod.namespace}/${pod.name}`,
    action: 'capture-uploaded',
    target: `pod:${pod.namespace}/${pod.name}`,
    reason: `capture ${capture.commandId} uploaded by the tap`,
    status: error === undefined ? 'done' : 'failed',
    detail: [
      `${capture.packets} packets, ${capture.bytes} bytes, ${capture.from} → ${capture.to}`,
      `location: ${capture.location}`,
      ...shown.map((alert) => `alert: ${alert.channel}/${alert.ts}`),
      ...(error === undefined ? [] : [`error: could not update the alert: ${error}`]),
    ],
    ...(findingId === undefined ? {} : { findingId }),
  });
  return shown;
};
