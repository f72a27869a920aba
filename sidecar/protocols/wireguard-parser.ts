/**
 * A WireGuard flow's story as operation events: each handshake message (`handshake-initiation`, `handshake-response`,
 * `cookie-reply`), `handshake-completed` when a response echoes an initiation's sender index (§5.4.3), `rekey` for
 * every completed handshake after the first (keys are replaced every Rekey-After-Time, 120 s, §6.1), `transport` at
 * the first data each way, and at the flow's end `tunnel`: what it carried (`handshake=completed|initiated|none`,
 * datagrams, octets, data datagrams each way, rekeys, cookie replies, data whose receiver index no handshake or earlier
 * data named, datagrams that are no WireGuard message).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { operationEvent } from './client-events.ts';
import type { ProtocolParser } from './protocol.ts';
import { indexText, readWireguardMessage, type WireguardMessage } from './wireguard-message.ts';

/** Handshake events told per flow; later handshakes are still counted (a day of rekeys is 720). */
const maxHandshakeEvents = 256;
/** Indexes remembered per direction: the live session, the one before it (kept during a rekey), a few retries. */
const maxIndexes = 8;

type Side = { datagrams: number; octets: number; data: number; stray: number; receivers: number[] };

const newSide = (): Side => ({ datagrams: 0, octets: 0, data: 0, stray: 0, receivers: [] });
const other = (d: Direction): Direction => (d === 'to-server' ? 'to-client' : 'to-server');

const remember = (list: number[], index: number): void => {
  if (list.includes(index)) return;
  if (list.length >= maxIndexes) list.shift();
  list.push(index);
};

export const createWireguardParser = (): ProtocolParser => {
  const sides: Record<Direction, Side> = { 'to-server': newSide(), 'to-client': newSide() };
  /** Sender indexes of initiations not yet answered, with the direction they went. */
  const pending = new Map<number, Direction>();
  let initiations = 0;
  let completed = 0;
  let cookieReplies = 0;
  let told = 0;
  let unreadable = 0;
  let lastTs = 0;

  const tell = (out: ProtocolEvent[], ts: number, d: Direction, name: string, detail: string): void => {
    if (told >= maxHandshakeEvents) return;
    told++;
    out.push(operationEvent('wireguard', ts, name, detail, d));
  };

  /** A sender index going direction `d` is what data coming back (the other way) will name as its receiver. */
  const announce = (d: Direction, sender: number): void => remember(sides[other(d)].receivers, sender);

  const onInitiation = (
    sender: number,
    mac2: boolean,
    d: Direction,
    ts: number,
    out: ProtocolEvent[],
  ): void => {
    initiations++;
    if (pending.size >= maxIndexes) pending.clear();
    pending.set(sender, d);
    announce(d, sender);
    const detail = `sender=${indexText(sender)}${mac2 ? ' mac2' : ''} handshakes=${completed}`;
    tell(out, ts, d, 'handshake-initiation', detail);
  };

  const onResponse = (
    sender: number,
    receiver: number,
    d: Direction,
    ts: number,
    out: ProtocolEvent[],
  ): void => {
    announce(d, sender);
    const answers = pending.get(receiver) === other(d);
    const detail = `sender=${indexText(sender)} receiver=${indexText(receiver)}`;
    tell(out, ts, d, 'handshake-response', `${detail} answers=${answers ? 'initiation' : 'unseen'}`);
    if (!answers) return;
    pending.delete(receiver);
    completed++;
    tell(out, ts, d, completed === 1 ? 'handshake-completed' : 'rekey', `${detail} handshakes=${completed}`);
  };

  const onHandshake = (m: WireguardMessage, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    if (m.type === 'initiation') onInitiation(m.sender, m.cookie, d, ts, out);
    else if (m.type === 'response') onResponse(m.sender, m.receiver, d, ts, out);
    else if (m.type === 'cookie-reply') {
      cookieReplies++;
      tell(out, ts, d, 'cookie-reply', `receiver=${indexText(m.receiver)} (the responder is under load)`);
    }
  };

  const onTransport = (receiver: number, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    const side = sides[d];
    side.data++;
    if (side.data === 1)
      tell(
        out,
        ts,
        d,
        'transport',
        `receiver=${indexText(receiver)} handshake=${completed > 0 ? 'seen' : 'unseen'}`,
      );
    if (side.receivers.includes(receiver)) return;
    // Data before any handshake seen (a tunnel picked up mid-way) names its index the first time; later, a new one
    // right after a handshake seen is that handshake's, else it is stray.
    if (side.receivers.length === 0) side.receivers.push(receiver);
    else side.stray++;
  };

  return {
    parse(chunk, direction, ts) {
      const side = sides[direction];
      side.datagrams++;
      side.octets += chunk.length;
      const m = readWireguardMessage(chunk);
      lastTs = ts;
      if (m === undefined) {
        unreadable++;
        return [];
      }
      const out: ProtocolEvent[] = [];
      if (m.type === 'transport') onTransport(m.receiver, direction, ts, out);
      else onHandshake(m, direction, ts, out);
      return out;
    },
    gap() {
      // Datagrams stand alone: nothing to resynchronise.
    },
    end() {
      const up = sides['to-server'];
      const down = sides['to-client'];
      const handshake = completed > 0 ? 'completed' : initiations > 0 ? 'initiated' : 'none';
      const detail = [
        `handshake=${handshake}`,
        `datagrams=${up.datagrams + down.datagrams}`,
        `octets=${up.octets + down.octets}`,
        `data=${up.data}/${down.data}`,
        `rekeys=${Math.max(0, completed - 1)}`,
        `cookie-replies=${cookieReplies}`,
        `stray=${up.stray + down.stray}`,
        `unreadable=${unreadable}`,
      ].join(' ');
      return [operationEvent('wireguard', lastTs, 'tunnel', detail, 'to-server')];
    },
  };
};
