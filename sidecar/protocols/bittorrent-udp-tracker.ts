/**
 * BitTorrent's UDP tracker protocol (BEP 15): a connect request carrying the protocol id 0x41727101980, action 0 and
 * a transaction id; the tracker's answer echoes the transaction id with a connection id; then announce (action 1:
 * info hash, peer id, octets downloaded, left and uploaded, an event) and scrape (action 2) requests carry that
 * connection id, and answers (or an error, action 3) echo the request's action and transaction id.
 */
import { clientOfPeerId } from './bittorrent-clients.ts';
import { hex } from './bittorrent-wire.ts';
import type { Detection } from './protocol.ts';
import { u32be } from './wire-bytes.ts';

/** 0x41727101980 as 8 octets. */
const protocolId = [0x00, 0x00, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80] as const;
const actions = ['connect', 'announce', 'scrape', 'error'] as const;
const events = ['none', 'completed', 'started', 'stopped'] as const;

export type TrackerMessage = {
  action: (typeof actions)[number];
  answer: boolean;
  transactionId: number;
  infoHash?: string;
  client?: string;
  event?: string;
  downloaded?: number;
  left?: number;
  uploaded?: number;
  /** Peers an announce answer lists. */
  peers?: number;
  /** An error's message. */
  message?: string;
};

/** A connect request (to the tracker): exactly 16 octets, the protocol id, action 0. */
export const detectTrackerConnect = (b: Uint8Array): Detection => {
  const n = Math.min(b.length, 8);
  for (let i = 0; i < n; i++) if (b[i] !== protocolId[i]) return 'no-match';
  if (b.length < 16) return 'need-more';
  return b.length === 16 && u32be(b, 8) === 0 ? 'match' : 'no-match';
};

const u64 = (b: Uint8Array, at: number): number => u32be(b, at) * 2 ** 32 + u32be(b, at + 4);

const readAnnounce = (b: Uint8Array, transactionId: number): TrackerMessage => {
  const out: TrackerMessage = {
    action: 'announce',
    answer: false,
    transactionId,
    infoHash: hex(b.subarray(16, 36)),
  };
  const client = clientOfPeerId(b.subarray(36, 56));
  if (client !== undefined) out.client = client;
  out.downloaded = u64(b, 56);
  out.left = u64(b, 64);
  out.uploaded = u64(b, 72);
  out.event = events[u32be(b, 80)] ?? `event-${u32be(b, 80)}`;
  return out;
};

/** A request from the client (after the connect request, which `detectTrackerConnect` reads). */
export const readTrackerRequest = (b: Uint8Array): TrackerMessage | undefined => {
  if (b.length < 16) return undefined;
  const action = u32be(b, 8);
  const transactionId = u32be(b, 12);
  if (action === 0)
    return detectTrackerConnect(b) === 'match'
      ? { action: 'connect', answer: false, transactionId }
      : undefined;
  if (action === 1) return b.length >= 98 ? readAnnounce(b, transactionId) : undefined;
  if (action === 2 && b.length > 16 && (b.length - 16) % 20 === 0) {
    return { action: 'scrape', answer: false, transactionId, infoHash: hex(b.subarray(16, 36)) };
  }
  return undefined;
};

/** An answer from the tracker, whose transaction id the caller checks against the requests'. */
export const readTrackerAnswer = (b: Uint8Array): TrackerMessage | undefined => {
  if (b.length < 8) return undefined;
  const action = actions[u32be(b, 0)];
  const transactionId = u32be(b, 4);
  if (action === 'connect') return b.length === 16 ? { action, answer: true, transactionId } : undefined;
  if (action === 'announce' && b.length >= 20) {
    const peers = (b.length - 20) % 6 === 0 ? (b.length - 20) / 6 : Math.floor((b.length - 20) / 18);
    return { action, answer: true, transactionId, peers };
  }
  if (action === 'scrape' && (b.length - 8) % 12 === 0) return { action, answer: true, transactionId };
  if (action === 'error') {
    const message = Buffer.from(b.subarray(8, 8 + 128)).toString('latin1');
    return { action, answer: true, transactionId, message };
  }
  return undefined;
};
