/** An alert's packet captures: added when requested, marked ready when the tap reports the upload, rendered as context. */
import type { CaptureFinding } from '#core/finding.ts';
import type { AlertCapture, AlertView } from '../store/response-store.ts';

/** A URL without its query: what the tap reports as a capture's location (the presigned part is secret). */
export const locationOf = (url: string): string | undefined => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
};

/** The view's captures; views stored before captures were listed carry only the request's link. */
export const capturesOf = (view: AlertView): AlertCapture[] =>
  view.captures ?? (view.request.captureLink === undefined ? [] : [{ link: view.request.captureLink }]);

/** The view with one more capture (by its download link); the same link twice is one capture. */
export const withCapture = (view: AlertView, link: string | undefined): AlertView => {
  const captures = capturesOf(view);
  if (link === undefined || captures.some((capture) => capture.link === link)) return { ...view, captures };
  return { ...view, captures: [...captures, { link }] };
};

/** The view with the uploaded capture marked ready, and that capture; undefined when the capture is not this alert's. */
export const withCaptureReady = (
  view: AlertView,
  finding: CaptureFinding,
): { view: AlertView; capture: AlertCapture } | undefined => {
  const captures = capturesOf(view);
  const index = captures.findIndex((capture) => locationOf(capture.link) === locationOf(finding.location));
  const found = captures[index];
  if (found === undefined) return undefined;
  const ready = {
    ...found,
    ready: { packets: finding.packets, bytes: finding.bytes, from: finding.from, to: finding.to },
  };
  return { view: { ...view, captures: captures.map((c, i) => (i === index ? ready : c)) }, capture: ready };
};

const size = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1048576).toFixed(1)} MiB`;

/** One context line per capture: a download link once uploaded, "pending" before (the link would be empty). */
export const captureLine = (capture: AlertCapture): string =>
  capture.ready === undefined
    ? 'packet capture pending (the tap uploads it when its after-window ends)'
    : `<${capture.link}|packet capture> (${capture.ready.packets} packet${capture.ready.packets === 1 ? '' : 's'}, ${size(capture.ready.bytes)})`;
