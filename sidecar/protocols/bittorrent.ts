/**
 * BitTorrent: the TCP peer wire (bittorrent-peer.ts), detected from either side's handshake, and over UDP the DHT's
 * KRPC messages (bittorrent-dht.ts), the peer wire over uTP (bittorrent-utp.ts) and the UDP tracker protocol
 * (bittorrent-udp-tracker.ts). Message stream encryption (MSE/PE) starts with a Diffie-Hellman key, random octets
 * with no fixed signature: not identified.
 */
import type { Direction, OperationEvent, P2pEvent, ProtocolEvent } from '../events.ts';
import { type KrpcMessage, readKrpc } from './bittorrent-dht.ts';
import { createPeerWireParser } from './bittorrent-peer.ts';
import {
  detectTrackerConnect,
  readTrackerAnswer,
  readTrackerRequest,
  type TrackerMessage,
} from './bittorrent-udp-tracker.ts';
import { createUtpParser, detectUtp } from './bittorrent-utp.ts';
import { detectHandshake } from './bittorrent-wire.ts';
import type { Detection, Protocol, ProtocolParser } from './protocol.ts';

/** Events a UDP flow tells at most (a DHT node's flow with one other node carries a few dozen messages). */
const maxDatagramEvents = 512;
const maxTransactions = 16;
/** Characters of a detail kept, as client-events.ts keeps them (it was 256: ADR 36). */
const maxDetail = 4096;

const operation = (ts: number, direction: Direction, name: string, detail: string): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'bittorrent', operation: name };
  // Its parts are each bounded (an info hash, a client's name, a count, an error of 128 characters): none is cut.
  if (detail !== '') event.detail = detail.slice(0, maxDetail);
  return event;
};

const dhtEvents = (m: KrpcMessage, ts: number, direction: Direction): ProtocolEvent[] => {
  const p2p: P2pEvent = { kind: 'p2p', ts, direction, step: 'dht' };
  const detail: string[] = [];
  if (m.query !== undefined) p2p.action = m.query;
  if (m.infoHash !== undefined) {
    p2p.infoHash = m.infoHash;
    detail.push(`info_hash=${m.infoHash}`);
  }
  if (m.client !== undefined) {
    p2p.client = m.client;
    detail.push(`v=${m.client}`);
  }
  if (m.peers !== undefined) {
    p2p.peers = m.peers;
    detail.push(`peers=${m.peers}`);
  }
  if (m.nodes !== undefined) detail.push(`nodes=${m.nodes}`);
  if (m.error !== undefined) detail.push(m.error);
  return [operation(ts, direction, `dht ${m.query ?? m.type}`, detail.join(' ')), p2p];
};

const trackerEvents = (m: TrackerMessage, ts: number, direction: Direction): ProtocolEvent[] => {
  const { action, infoHash, client, event, downloaded, left, uploaded, peers, message } = m;
  const detail = [
    infoHash === undefined ? '' : `info_hash=${infoHash}`,
    client === undefined ? '' : `client=${client}`,
    event === undefined ? '' : `event=${event} left=${left} uploaded=${uploaded} downloaded=${downloaded}`,
    peers === undefined ? '' : `peers=${peers}`,
    message ?? '',
  ];
  const p2p: P2pEvent = { kind: 'p2p', ts, direction, step: 'tracker', action };
  for (const [key, value] of Object.entries({ infoHash, client, downloaded, left, uploaded, peers }))
    if (value !== undefined) Object.assign(p2p, { [key]: value });
  const name = `tracker ${action}${m.answer && action !== 'error' ? '-answer' : ''}`;
  return [operation(ts, direction, name, detail.filter(Boolean).join(' ')), p2p];
};

/** One datagram parser per UDP flow: KRPC dictionaries, or a UDP tracker's exchanges. */
const createDatagramParser = (): ProtocolParser => {
  const transactions: number[] = [];
  let told = 0;
  /** A tracker's message: requests are remembered, answers must echo one's transaction id (BEP 15). */
  const tracker = (m: TrackerMessage | undefined, ts: number, direction: Direction): ProtocolEvent[] => {
    if (m === undefined) return [];
    if (!m.answer) {
      if (transactions.length >= maxTransactions) transactions.shift();
      transactions.push(m.transactionId);
    } else if (!transactions.includes(m.transactionId)) return [];
    return trackerEvents(m, ts, direction);
  };
  /** A UDP tracker flow starts with a connect request; any other is DHT and uTP (libtorrent shares one socket). */
  let isTracker: boolean | undefined;
  let utp: ProtocolParser | undefined;
  const read = (datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    if (datagram[0] === 0x64) {
      const krpc = readKrpc(datagram);
      return krpc === undefined ? [] : dhtEvents(krpc, ts, direction);
    }
    isTracker ??= detectTrackerConnect(datagram) === 'match';
    if (!isTracker) {
      utp ??= createUtpParser();
      return utp.parse(datagram, direction, ts);
    }
    const m = direction === 'to-server' ? readTrackerRequest(datagram) : readTrackerAnswer(datagram);
    return tracker(m, ts, direction);
  };
  return {
    parse(datagram, direction, ts) {
      if (told >= maxDatagramEvents) return [];
      const events = read(datagram, direction, ts);
      told += events.length;
      return events;
    },
    gap(direction) {
      utp?.gap(direction);
    },
    end: () => utp?.end?.() ?? [],
  };
};

/**
 * A KRPC message (a datagram starting `d`), a uTP data packet carrying the peer wire handshake (starting 0x01), or a
 * UDP tracker's connect request (starting with the protocol id).
 */
const detectDatagram = (bytes: Uint8Array, direction: Direction): Detection => {
  if (bytes.length === 0) return 'need-more';
  if (bytes[0] === 0x64) {
    if (bytes.length === 1) return 'need-more';
    return readKrpc(bytes) === undefined ? 'no-match' : 'match';
  }
  if (bytes[0] === 0x01) return detectUtp(bytes);
  return direction === 'to-server' ? detectTrackerConnect(bytes) : 'no-match';
};

export const bittorrent: Protocol = {
  id: 'bittorrent',
  transport: 'tcp',
  // 6881-6889 was the first clients' range; today's choose any port, which says nothing.
  ports: [],
  encrypted: false,
  detect: (bytes) => detectHandshake(bytes),
  createParser: createPeerWireParser,
};

export const bittorrentDatagrams: Protocol = {
  id: 'bittorrent',
  transport: 'udp',
  ports: [],
  encrypted: false,
  detect: detectDatagram,
  createParser: createDatagramParser,
};
