/**
 * The TLS an OpenVPN control channel carries in the clear (plain and tls-auth modes): P_CONTROL_V1 payloads put back in
 * message packet id order per direction (the reliability layer retransmits and may reorder over UDP), then read as a
 * TLS stream (tls-stream.ts), so the ClientHello's cipher suites, JA3 and JA4 and the server's answer are told as for
 * any TLS. Each key id is its own TLS session (a renegotiation starts a new one, its message ids from 1 again: 0 is the
 * reset that opened it).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createTlsStream, type TlsStream } from './tls-stream.ts';

/** Out-of-order payloads kept per direction; a sender has at most a few in flight (its reliable window, 4 or 8). */
const maxPending = 16;
/**
 * Their octets, at most, per direction: a control packet carries up to --tls-mtu (1250 by default) of TLS, so a
 * window of them is a few KiB; a hostile sender's 64 KiB datagrams are not kept past this.
 */
export const maxPendingOctets = 32 * 1024;
/** TLS sessions read per direction: the first and a few renegotiations, enough to fingerprint the client. */
const maxSessions = 4;

type Channel = {
  key: number;
  next: number;
  pending: Map<number, Uint8Array>;
  /** The octets of the payloads in `pending`. */
  pendingOctets: number;
  tls: TlsStream;
};

export type ControlTls = {
  /** A control packet's payload with its message id, on key id `key`; returns the TLS events it completes. */
  add(direction: Direction, key: number, messageId: number, payload: Uint8Array, ts: number): ProtocolEvent[];
  /** Octets held out of order right now, both directions. */
  held(): number;
};

const none: ProtocolEvent[] = [];

/** Keeps a payload that came ahead of its turn, within the bounds (a retransmission of one kept replaces it). */
const hold = (channel: Channel, messageId: number, payload: Uint8Array): void => {
  const kept = channel.pending.get(messageId);
  const octets = channel.pendingOctets - (kept?.length ?? 0) + payload.length;
  if (messageId - channel.next >= 256 || octets > maxPendingOctets) return;
  if (kept === undefined && channel.pending.size >= maxPending) return;
  channel.pending.set(messageId, payload.slice());
  channel.pendingOctets = octets;
};

export const createControlTls = (): ControlTls => {
  const channels: Record<Direction, Channel | undefined> = { 'to-server': undefined, 'to-client': undefined };
  const opened: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };
  const channelFor = (direction: Direction, key: number): Channel | undefined => {
    const current = channels[direction];
    if (current?.key === key) return current;
    if (opened[direction] >= maxSessions) return undefined;
    opened[direction]++;
    const channel: Channel = { key, next: 1, pending: new Map(), pendingOctets: 0, tls: createTlsStream() };
    channels[direction] = channel;
    return channel;
  };
  return {
    add(direction, key, messageId, payload, ts) {
      if (payload.length === 0) return none;
      const channel = channelFor(direction, key);
      if (channel === undefined || messageId < channel.next) return none;
      if (messageId > channel.next) {
        hold(channel, messageId, payload);
        return none;
      }
      const out = channel.tls.parse(payload, direction, ts);
      channel.next++;
      for (let queued = channel.pending.get(channel.next); queued !== undefined; ) {
        channel.pending.delete(channel.next);
        channel.pendingOctets -= queued.length;
        out.push(...channel.tls.parse(queued, direction, ts));
        channel.next++;
        queued = channel.pending.get(channel.next);
      }
      return out;
    },
    held: () => (channels['to-server']?.pendingOctets ?? 0) + (channels['to-client']?.pendingOctets ?? 0),
  };
};
