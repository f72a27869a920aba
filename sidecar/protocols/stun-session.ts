/**
 * A STUN/TURN flow's story as operation events (stun-parser.ts frames the messages): each message by method and class
 * with its facts (stun-detail.ts); once each, the SOFTWARE, REALM, requested transport, mapped and relayed addresses;
 * each peer a client names as `peer <address> <Method> asked`, the server's answer paired by transaction id
 * (`granted`, `refused <code>`) and the first data relayed with it, carrying `turnPeer` for `turn-relay-abuse`;
 * Send and Data indications and ChannelData counted (octets, never contents), told at the flow's end.
 */
import type { Direction, ProtocolEvent, TurnPeer } from '../events.ts';
import { operationEvent } from './client-events.ts';
import { type StunAddress, type StunFacts, stunFacts } from './stun-attributes.ts';
import { addressText, stunDetail } from './stun-detail.ts';
import type { StunMessage } from './stun-message.ts';
import { methodName, operationName } from './stun-names.ts';

/** Requests awaiting their answer, channels bound, permissions granted, facts told: each bounded per flow. */
const maxPending = 64;
const maxChannels = 64;
const maxGranted = 256;
const maxFacts = 32;
/**
 * Peer steps remembered as told. Past it the memory is cleared and steps are told again, never dropped: a client
 * naming many public peers first must not hide the loopback one it names after them.
 */
const maxSteps = 256;
/** Message events per flow; past it messages are still read (peers, counts), not told one by one. */
const maxMessages = 512;
/** Indications told one by one per flow; the rest only counted. */
const maxIndications = 8;

const createPermission = 0x008;
const channelBind = 0x009;
const connect = 0x00a;
const connectionBind = 0x00b;
const send = 0x006;
const data = 0x007;
/** Requests whose XOR-PEER-ADDRESS names a peer the client asks the server to reach. */
const peerRequests: ReadonlySet<number> = new Set([createPermission, channelBind, connect]);

type Pending = { method: number; peers: StunAddress[]; channel?: number };
type Count = { messages: number; octets: number };
const count = (): Count => ({ messages: 0, octets: 0 });
/** Indications and ChannelData by kind and way; `up` and `down`: a bound RFC 6062 connection's raw octets. */
type Counts = { send: Count; data: Count; toPeer: Count; fromPeer: Count; up: number; down: number };

export type StunSession = {
  message(m: StunMessage, d: Direction, ts: number, out: ProtocolEvent[]): void;
  channelData(channel: number, octets: number, d: Direction, ts: number, out: ProtocolEvent[]): void;
  /** A datagram that is neither (DTLS, RTP or RTCP multiplexed on the flow: RFC 7983), by its first octet. */
  other(first: number): void;
  /** Octets after an RFC 6062 ConnectionBind's success: the peer's TCP data, raw. */
  raw(octets: number, d: Direction): void;
  /** True once a ConnectionBind succeeded: the connection carries the peer's data from then on. */
  bound(): boolean;
  end(ts: number): ProtocolEvent[];
};

const withError = (peer: TurnPeer, error: string | undefined): TurnPeer =>
  error === undefined ? peer : { ...peer, error };
const errorText = (f: StunFacts): string | undefined =>
  f.error === undefined ? undefined : `${f.error.code} ${f.error.reason}`.trim();

export const createStunSession = (): StunSession => {
  const pending = new Map<string, Pending>();
  const channels = new Map<number, { peer: StunAddress; granted: boolean }>();
  /** Peer addresses the server granted: a permission is for an address, whatever the port (RFC 8656 §9). */
  const granted = new Set<string>();
  const facts = new Set<string>();
  const steps = new Set<string>();
  const counts: Counts = { send: count(), data: count(), toPeer: count(), fromPeer: count(), up: 0, down: 0 };
  const others = { dtls: 0, rtp: 0, other: 0 };
  let messages = 0;
  let indications = 0;
  let connectionBound = false;

  const grant = (peer: StunAddress): void => {
    if (granted.size >= maxGranted) granted.delete(granted.values().next().value as string);
    granted.add(peer.ip);
  };

  const peerStep = (out: ProtocolEvent[], ts: number, d: Direction, peer: TurnPeer): void => {
    const step = peer.step === 'refused' ? `refused ${peer.error?.split(' ')[0] ?? ''}`.trim() : peer.step;
    const name = `peer ${addressText(peer)} ${peer.method} ${step}`;
    if (steps.has(name)) return;
    if (steps.size >= maxSteps) steps.clear();
    steps.add(name);
    const event = operationEvent('stun', ts, name, peer.error ?? '', d);
    event.turnPeer = peer;
    out.push(event);
  };

  const tellFacts = (f: StunFacts, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    const tell = (name: string | undefined) => {
      if (name === undefined || facts.has(name) || facts.size >= maxFacts) return;
      facts.add(name);
      out.push(operationEvent('stun', ts, name, '', d));
    };
    tell(f.software === undefined ? undefined : `software ${f.software.slice(0, 64)}`);
    tell(f.realm === undefined ? undefined : `realm ${f.realm.slice(0, 64)}`);
    tell(f.transport === undefined ? undefined : `requested-transport ${f.transport}`);
    tell(f.mapped === undefined ? undefined : `mapped ${addressText(f.mapped)}`);
    tell(f.relayed === undefined ? undefined : `relayed-address ${addressText(f.relayed)}`);
    if (f.integrity !== undefined) tell(`message-integrity ${f.integrity}`);
  };

  const ask = (m: StunMessage, f: StunFacts, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    if (pending.size >= maxPending) pending.delete(pending.keys().next().value as string);
    pending.set(m.transaction, {
      method: m.method,
      peers: f.peers,
      ...(f.channel === undefined ? {} : { channel: f.channel }),
    });
    for (const peer of f.peers)
      peerStep(out, ts, d, { ...peer, method: methodName(m.method), step: 'asked' });
  };

  /** A ChannelBind's answer: the channel now stands for its peer (a refusal only names a channel not yet bound). */
  const bind = (channel: number, peer: StunAddress | undefined, ok: boolean): void => {
    if (peer === undefined || (!ok && channels.has(channel))) return;
    if (channels.size < maxChannels || channels.has(channel)) channels.set(channel, { peer, granted: ok });
  };

  const answer = (m: StunMessage, f: StunFacts, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    const request = pending.get(m.transaction);
    if (request?.method !== m.method) return;
    pending.delete(m.transaction);
    const ok = m.class === 'success';
    if (m.method === connectionBind && ok) connectionBound = true;
    const step = {
      method: methodName(m.method),
      step: ok ? 'granted' : 'refused',
      error: errorText(f),
    } as const;
    for (const peer of request.peers) {
      if (ok) grant(peer);
      peerStep(out, ts, d, withError({ ...peer, method: step.method, step: step.step }, step.error));
    }
    if (request.channel !== undefined) bind(request.channel, request.peers[0], ok);
  };

  const indication = (m: StunMessage, f: StunFacts, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    const counted = m.method === send ? counts.send : counts.data;
    counted.messages++;
    counted.octets += f.dataOctets ?? 0;
    const peer = f.peers[0];
    if (peer === undefined || (m.method !== send && m.method !== data)) return;
    const method = methodName(m.method);
    if (m.method === send) peerStep(out, ts, d, { ...peer, method, step: 'asked' });
    // A Data indication is the server relaying what the peer sent; a Send to a peer it granted is relayed too.
    if (m.method === data || granted.has(peer.ip)) peerStep(out, ts, d, { ...peer, method, step: 'relayed' });
  };

  const tellMessage = (
    m: StunMessage,
    f: StunFacts,
    d: Direction,
    ts: number,
    out: ProtocolEvent[],
  ): void => {
    if (m.class === 'indication' && ++indications > maxIndications) return;
    if (++messages > maxMessages) return;
    out.push(
      operationEvent(
        'stun',
        ts,
        operationName(m.method, m.class, f.error?.code),
        stunDetail(m.transaction, f),
        d,
      ),
    );
  };

  return {
    message(m, d, ts, out) {
      const f = stunFacts(m);
      tellMessage(m, f, d, ts, out);
      tellFacts(f, d, ts, out);
      if (m.class === 'request') ask(m, peerRequests.has(m.method) ? f : { ...f, peers: [] }, d, ts, out);
      else if (m.class === 'indication') indication(m, f, d, ts, out);
      else answer(m, f, d, ts, out);
    },
    channelData(channel, octets, d, ts, out) {
      const counted = d === 'to-server' ? counts.toPeer : counts.fromPeer;
      counted.messages++;
      counted.octets += octets;
      const bound = channels.get(channel);
      if (bound?.granted === true)
        peerStep(out, ts, d, { ...bound.peer, method: 'ChannelData', step: 'relayed' });
    },
    other(first) {
      if (first >= 20 && first <= 63) others.dtls++;
      else if (first >= 128 && first <= 191) others.rtp++;
      else others.other++;
    },
    raw(octets, d) {
      if (d === 'to-server') counts.up += octets;
      else counts.down += octets;
    },
    bound: () => connectionBound,
    end: (ts) => endEvents(ts, counts, others),
  };
};

/** The flow's totals: data relayed (indications, ChannelData, a bound connection's octets) and datagrams beside STUN. */
const endEvents = (
  ts: number,
  c: Counts,
  others: { dtls: number; rtp: number; other: number },
): ProtocolEvent[] => {
  const out: ProtocolEvent[] = [];
  const relayed = [
    c.send.messages > 0 ? `${c.send.messages} Send (${c.send.octets} octets)` : '',
    c.data.messages > 0 ? `${c.data.messages} Data (${c.data.octets} octets)` : '',
    c.toPeer.messages > 0 ? `${c.toPeer.messages} ChannelData to the server (${c.toPeer.octets} octets)` : '',
    c.fromPeer.messages > 0
      ? `${c.fromPeer.messages} ChannelData to the client (${c.fromPeer.octets} octets)`
      : '',
    c.up + c.down > 0 ? `connection data ${c.up} octets up, ${c.down} down` : '',
  ].filter((p) => p !== '');
  if (relayed.length > 0) out.push(operationEvent('stun', ts, `relayed ${relayed.join(', ')}`, ''));
  if (others.dtls + others.rtp + others.other > 0)
    out.push(
      operationEvent(
        'stun',
        ts,
        'multiplexed',
        `dtls=${others.dtls} rtp/rtcp=${others.rtp} other=${others.other}`,
      ),
    );
  return out;
};
