/** Captures: every packet capture taken (by rules, Slack or an operator), pending until the tap uploads, with its download link. */
import type { ApiAnswer } from './api-client.ts';
import type { CaptureView } from './api-types.ts';
import { el, emptyState, replaceChildren } from './dom.ts';

const size = (bytes: number | undefined): string => {
  if (bytes === undefined) return '';
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
};

const statusText: Record<CaptureView['status'], string> = {
  pending: 'pending: waiting for the tap to upload',
  uploaded: 'uploaded',
  failed: 'failed',
};

const fileName = (capture: CaptureView) =>
  `${capture.pod.replace('/', '-')}-${capture.at.replace(/[:.]/g, '')}.pcap`;

const downloadCell = (capture: CaptureView) => {
  if (capture.status !== 'uploaded' || capture.download === undefined)
    return el('span', { class: 'muted' }, [
      capture.status === 'failed' ? capture.detail.join('; ') : 'not yet',
    ]);
  return el('a', { href: capture.download, download: fileName(capture), rel: 'noopener' }, [
    `Download pcap (${capture.packets ?? 0} packets)`,
  ]);
};

const row = (capture: CaptureView) =>
  el('tr', { 'data-capture': capture.id, 'data-status': capture.status }, [
    el('td', {}, [el('time', { datetime: capture.at }, [new Date(capture.at).toLocaleString()])]),
    el('td', {}, [capture.pod]),
    el('td', {}, [capture.actor]),
    el('td', {}, [capture.reason]),
    el('td', { class: `capture-status ${capture.status}` }, [statusText[capture.status]]),
    el('td', { class: 'num' }, [size(capture.bytes)]),
    el('td', {}, [downloadCell(capture)]),
  ]);

export const renderCapturesView = (
  root: HTMLElement,
  answer: ApiAnswer<{ captures: CaptureView[] }>,
): void => {
  if (!answer.ok) {
    replaceChildren(root, [el('p', { role: 'alert' }, [answer.message])]);
    return;
  }
  if (answer.value.captures.length === 0) {
    replaceChildren(root, [
      emptyState(
        'No captures yet',
        'Open a service in the graph and press Capture on one of its pods, or add a capture action to a response rule (policies/response/).',
      ),
    ]);
    return;
  }
  const headings = ['When', 'Pod', 'Who', 'Reason', 'Status', 'Size', 'Download'];
  replaceChildren(root, [
    el('table', { class: 'data captures' }, [
      el('caption', { class: 'muted' }, [
        'Download links are signed by the object store and expire (after 7 days by default).',
      ]),
      el('thead', {}, [
        el(
          'tr',
          {},
          headings.map((h) => el('th', { scope: 'col' }, [h])),
        ),
      ]),
      el('tbody', {}, answer.value.captures.map(row)),
    ]),
  ]);
};
