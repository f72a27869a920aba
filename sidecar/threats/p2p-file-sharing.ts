/**
 * A pod sharing files over BitTorrent (MITRE ATT&CK T1048 and T1567, exfiltration over an alternative protocol or a
 * web service; T1105, ingress tool transfer, when it downloads): no production workload joins a swarm, and one that
 * does moves data nobody vetted in or out. Seen on the peer wire, the DHT, a UDP tracker or an HTTP tracker
 * announce. One finding per address taking part (global scope: every hit about an address names the first other
 * side it was seen with, so the runner keeps them one episode, however many peers it talks to), told from what
 * is known of it so far: torrents, software, peers, octets; `uploads` severity once data leaves it (seeding).
 *
 * Who takes part: the side that opens a flow (it announces, queries the DHT, connects to peers: every BitTorrent
 * client does at least one), and the side that accepts one when it sends or is sent pieces. A peer that only
 * connects to a pod is reported as a participant too: it is one, and a tap sees only its own pod's flows.
 */
import type { z } from 'zod';
import type { Endpoint } from '#core/finding.ts';
import { severitySchema } from '#core/finding.ts';
import { readsEvery, readsRequests } from '../engine/event-read.ts';
import type { HttpRequestEvent, P2pEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { trackerAnnounce } from './http-tracker-announce.ts';
import {
  addClient,
  addHash,
  addPeer,
  addQuery,
  addWay,
  createParticipants,
  evidenceOf,
  newParticipant,
  type Participant,
  uploads,
} from './p2p-participants.ts';
import { detectorConfig, type FlowContext, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Severity once the address uploads (sends pieces, or tells a tracker it has uploaded or has it all). */
  uploads: severitySchema.default('high'),
  /** Addresses allowed to take part (a sanctioned distribution seeder; addresses or CIDRs): their flows are not reported. */
  allowClients: allowList(),
});
type Config = z.infer<typeof config>;

type State = {
  participants: ReturnType<typeof createParticipants>;
  /** Per flow, the piece octets already counted in each direction (pieces events carry running totals). */
  counted: WeakMap<FlowContext, { toServer: number; toClient: number }>;
};

const ways: Record<P2pEvent['step'], string> = {
  handshake: 'peer wire',
  extended: 'peer wire',
  pieces: 'peer wire',
  dht: 'DHT',
  tracker: 'UDP tracker',
};

/** How an event was seen: uTP carries the peer wire over UDP. */
const wayOf = (event: P2pEvent, flow: FlowContext): string => {
  const way = ways[event.step];
  return way === 'peer wire' && flow.transport === 'udp' ? 'peer wire over uTP' : way;
};

const participant = (state: State, who: Endpoint, other: Endpoint): Participant =>
  state.participants.upsert(who.ip, () => newParticipant(other));

const hit = (p: Participant, who: Endpoint, ts: number, c: Config): ThreatHit[] => {
  p.facts++;
  return [
    {
      threat: 'p2p-file-sharing',
      severity: uploads(p) ? c.uploads : c.severity,
      // Strictly surer with every fact, so the episode's story is the latest, fullest one.
      confidence: 1 - 0.5 / (1 + p.facts),
      evidence: evidenceOf(p),
      ts,
      client: { ip: who.ip, port: who.port },
      server: { ...p.counterpart },
    },
  ];
};

/** Running piece totals of a flow turned into new octets for the sender. */
const newOctets = (state: State, flow: FlowContext, event: P2pEvent): number => {
  let counted = state.counted.get(flow);
  if (counted === undefined) {
    counted = { toServer: 0, toClient: 0 };
    state.counted.set(flow, counted);
  }
  const key = event.direction === 'to-server' ? 'toServer' : 'toClient';
  const added = Math.max(0, (event.bytes ?? 0) - counted[key]);
  counted[key] = Math.max(counted[key], event.bytes ?? 0);
  return added;
};

/**
 * Peer wire and the flow's server: what it says of itself; when it sends pieces, it seeds and is reported, and when
 * it is sent pieces (it asked for them: a peer that opened the connection to it, as uTP peers often do, uploads to
 * it), it downloads and is reported.
 */
const fromServer = (
  event: P2pEvent,
  added: number,
  state: State,
  flow: FlowContext,
  c: Config,
): ThreatHit[] => {
  const sent = event.direction === 'to-client';
  if ((!sent && event.step !== 'pieces') || isAllowedServer(flow.server, c.allowClients)) return noHits;
  const p = participant(state, flow.server, flow.client);
  addWay(p, wayOf(event, flow));
  addHash(p, event.infoHash);
  if (sent) addClient(p, event.client);
  addPeer(p, flow.client.ip);
  if (event.step !== 'pieces') return noHits;
  if (sent) {
    p.uploaded += added;
    p.seeding = true;
  } else p.downloaded += added;
  return hit(p, flow.server, event.ts, c);
};

/** What an event of the flow's client's (or answered to it) says of the client. */
const learn = (p: Participant, event: P2pEvent, flow: FlowContext, added: number): void => {
  const fromClient = event.direction === 'to-server';
  addWay(p, wayOf(event, flow));
  addHash(p, event.infoHash);
  if (fromClient) addClient(p, event.client);
  if (event.step === 'dht' && fromClient) addQuery(p, event.action);
  if (event.step !== 'tracker' && event.step !== 'dht') addPeer(p, flow.server.ip);
  if (event.step === 'pieces') p[fromClient ? 'uploaded' : 'downloaded'] += added;
  p.announced += event.peers ?? 0;
  if (event.step === 'tracker' && event.action === 'announce' && event.left === 0) p.seeding = true;
  p.reportedUpload = Math.max(p.reportedUpload, event.uploaded ?? 0);
};

const onP2p = (event: P2pEvent, state: State, flow: FlowContext, c: Config): ThreatHit[] => {
  const added = event.step === 'pieces' ? newOctets(state, flow, event) : 0;
  const peerWire = event.step !== 'tracker' && event.step !== 'dht';
  const server = peerWire ? fromServer(event, added, state, flow, c) : noHits;
  if (isAllowedServer(flow.client, c.allowClients)) return server;
  const p = participant(state, flow.client, flow.server);
  learn(p, event, flow, added);
  const client = hit(p, flow.client, event.ts, c);
  return server.length === 0 ? client : [...server, ...client];
};

const onAnnounce = (event: HttpRequestEvent, state: State, flow: FlowContext, c: Config): ThreatHit[] => {
  const announce = trackerAnnounce(event);
  if (announce === undefined || isAllowedServer(flow.client, c.allowClients)) return noHits;
  const p = participant(state, flow.client, flow.server);
  addWay(p, 'HTTP tracker');
  addHash(p, announce.infoHash);
  addClient(p, announce.client);
  if (announce.left === 0) p.seeding = true;
  p.reportedUpload = Math.max(p.reportedUpload, announce.uploaded ?? 0);
  return hit(p, flow.client, event.ts, c);
};

export const p2pFileSharing: Threat<typeof config, State> = {
  id: 'p2p-file-sharing',
  on: ['p2p', 'http-request'],
  reads: [
    // Every event: pieces are told as the octets grow, deep into a flow.
    { ...readsEvery('p2p'), protocols: ['bittorrent'] },
    { ...readsRequests('http-request'), protocols: ['http'] },
  ],
  config,
  scope: 'global',
  initialState: () => ({ participants: createParticipants(), counted: new WeakMap() }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (flow === undefined) return noHits;
    if (event.kind === 'p2p') return onP2p(event, state, flow, c);
    if (event.kind === 'http-request' && event.direction === 'to-server')
      return onAnnounce(event, state, flow, c);
    return noHits;
  },
};
