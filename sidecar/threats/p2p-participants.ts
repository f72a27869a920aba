/**
 * What p2p-file-sharing knows of each address taking part in BitTorrent: the torrents (info hashes), the client
 * software, the peers it talked to or was handed, the octets of pieces it sent and received, how it was seen (peer
 * wire, DHT, trackers), all bounded, and told as one sentence of evidence.
 */
import type { Endpoint } from '#core/finding.ts';
import { boundedMap } from './window/bounded-map.ts';

export type Participant = {
  /** The first other side it was seen with: every hit about it names this one, so its hits are one episode. */
  counterpart: Endpoint;
  hashes: Set<string>;
  clients: Set<string>;
  peers: Set<string>;
  /** Peers trackers, DHT answers and PEX handed it. */
  announced: number;
  uploaded: number;
  downloaded: number;
  /** A tracker was told it has the whole torrent (left=0), or it sent pieces. */
  seeding: boolean;
  /** Octets a tracker announce says it uploaded (the client's own count), the largest seen. */
  reportedUpload: number;
  ways: Set<string>;
  dhtQueries: Set<string>;
  /** Observations so far: every hit is surer than the one before, so the merged finding tells the latest. */
  facts: number;
};

const maxHashes = 8;
const maxClients = 8;
/**
 * Peers remembered per address, to count them: state is global, so this times the 4096 addresses bounds the
 * detector (at 1024 a peer, 4M addresses: near 280 MB of heap; at 256, 60 MB). Past it the count is told "or more".
 */
export const maxPeers = 256;
const maxNames = 16;

export const createParticipants = (max = 4096) => boundedMap<Participant>(max);

export const newParticipant = (counterpart: Endpoint): Participant => ({
  counterpart: { ip: counterpart.ip, port: counterpart.port },
  hashes: new Set(),
  clients: new Set(),
  peers: new Set(),
  announced: 0,
  uploaded: 0,
  downloaded: 0,
  seeding: false,
  reportedUpload: 0,
  ways: new Set(),
  dhtQueries: new Set(),
  facts: 0,
});

const bounded = (set: Set<string>, max: number, value: string | undefined): void => {
  if (value !== undefined && value !== '' && set.size < max) set.add(value);
};

export const addHash = (p: Participant, hash: string | undefined) => bounded(p.hashes, maxHashes, hash);
export const addClient = (p: Participant, client: string | undefined) =>
  bounded(p.clients, maxClients, client);
export const addPeer = (p: Participant, peer: string) => bounded(p.peers, maxPeers, peer);
export const addWay = (p: Participant, way: string) => bounded(p.ways, maxNames, way);
export const addQuery = (p: Participant, query: string | undefined) => bounded(p.dhtQueries, maxNames, query);

const octets = (n: number): string => {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
};

const listed = (set: Set<string>, max = 3): string => {
  const values = [...set];
  const more = values.length > max ? ` (+${values.length - max} more)` : '';
  return `${values.slice(0, max).join(', ')}${more}`;
};

/** True when data left it: pieces it sent, or a tracker told it has uploaded or has the whole torrent. */
export const uploads = (p: Participant): boolean => p.uploaded > 0 || p.reportedUpload > 0 || p.seeding;

export const evidenceOf = (p: Participant): string => {
  const parts = [`joined a BitTorrent swarm (${listed(p.ways, 4)})`];
  if (p.hashes.size > 0) parts.push(`info hash ${listed(p.hashes)}`);
  if (p.clients.size > 0) parts.push(`client ${listed(p.clients, 4)}`);
  if (p.dhtQueries.size > 0) parts.push(`DHT ${listed(p.dhtQueries, 6)}`);
  const announced = p.announced > 0 ? `, ${p.announced} more handed over` : '';
  const more = p.peers.size >= maxPeers ? ' or more' : '';
  parts.push(`${p.peers.size}${more} peer${p.peers.size === 1 ? '' : 's'} talked to${announced}`);
  parts.push(`pieces downloaded ${octets(p.downloaded)}, uploaded ${octets(p.uploaded)}`);
  if (p.reportedUpload > 0) parts.push(`a tracker was told ${octets(p.reportedUpload)} uploaded`);
  if (uploads(p)) parts.push('seeding: data leaves the pod');
  return parts.join('; ');
};
