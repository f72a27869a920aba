import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { bittorrent, bittorrentDatagrams } from '#sidecar/protocols/bittorrent.ts';
import { percentDecode } from '#sidecar/threats/http-tracker-announce.ts';
import { defaultPolicyDir } from '#sidecar/threats/load-threat-configs.ts';
import { p2pFileSharing } from '#sidecar/threats/p2p-file-sharing.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import {
  aria2PeerId,
  handshake,
  krpc,
  piece,
  trackerAnnounce,
  trackerConnect,
  trackerConnected,
  transmissionPeerId,
} from '#test/fixtures/protocols/bittorrent-bytes.ts';
import { concat, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, httpRequest } from './threat-factories.ts';

const hash = '0123456789abcdef0123456789abcdef01234567';
const pod = { ip: '10.0.0.5', port: 40000 };
const peer = (n: number, port = 51413) => ({ ip: `10.0.1.${n}`, port });

/** The parser's events for the segments and at the flow's end, as the engine hands them on. */
const events = (protocol: typeof bittorrent, segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = protocol.createParser();
  const out = segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, 1_000 + i));
  return [...out, ...(parser.end?.() ?? [])];
};

const run = (flows: readonly (readonly [ObservedFlow, readonly ProtocolEvent[]])[], config = {}) => {
  const runner = createThreatRunner({
    policyDir: false,
    threats: [p2pFileSharing],
    configs: { 'p2p-file-sharing': config },
  });
  for (const [observed, list] of flows) {
    for (const event of list) runner.onEvent(observed, event);
    runner.onFlowEnd(observed);
  }
  return runner
    .drain(1_000_000)
    .map((f) => ({ client: f.client.ip, severity: f.severity, evidence: f.evidence }));
};

const wire = (client: typeof pod, server: typeof pod) =>
  flow({
    key: `tcp ${client.ip}:${client.port} ${server.ip}:${server.port}`,
    client,
    server,
    protocol: 'bittorrent',
  });

/** The pod connects to a seeder and downloads `blocks` 16 KiB blocks. */
const download = (server: typeof pod, blocks: number, from = pod) =>
  [
    wire(from, server),
    events(bittorrent, [
      ['to-server', handshake(transmissionPeerId)],
      ['to-client', handshake(aria2PeerId)],
      ['to-client', concat(...Array.from({ length: blocks }, (_, i) => piece(i, 16384)))],
    ]),
  ] as const;

describe('p2p-file-sharing', () => {
  it('one finding for a pod downloading from three peers: info hash, client, peers, octets', () => {
    const found = run([download(peer(1), 4), download(peer(2), 4), download(peer(3), 8)]);
    const mine = found.filter((f) => f.client === pod.ip);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.severity).toBe('medium');
    expect(mine[0]?.evidence).toBe(
      `joined a BitTorrent swarm (peer wire); info hash ${hash}; client Transmission -TR3000-; 3 peers talked to; ` +
        'pieces downloaded 256.0 KiB, uploaded 0 B',
    );
    // The seeders sent pieces: each is a participant that uploads (high), named with its own software.
    const seeders = found.filter((f) => f.client !== pod.ip);
    expect(seeders.map((f) => [f.client, f.severity])).toEqual([
      ['10.0.1.1', 'high'],
      ['10.0.1.2', 'high'],
      ['10.0.1.3', 'high'],
    ]);
    expect(seeders[2]?.evidence).toContain(
      'client aria2 1.36.0; 1 peer talked to; pieces downloaded 0 B, uploaded 128.0 KiB',
    );
    expect(seeders[2]?.evidence).toContain('seeding: data leaves the pod');
  });

  it('a pod uploading pieces is high: data leaving it', () => {
    const upload = [
      wire(pod, peer(4)),
      events(bittorrent, [
        ['to-server', handshake(transmissionPeerId)],
        ['to-client', handshake(aria2PeerId)],
        ['to-server', piece(0, 16384)],
      ]),
    ] as const;
    const [finding] = run([upload]).filter((f) => f.client === pod.ip);
    expect(finding?.severity).toBe('high');
    expect(finding?.evidence).toContain('uploaded 16.0 KiB; seeding: data leaves the pod');
  });

  it('a pod a seeder connected to is credited with the pieces it was sent (uTP peers connect both ways)', () => {
    // The seeder opens the connection and uploads: the pod, the flow's server, downloads.
    const pushed = [
      wire(peer(5), pod),
      events(bittorrent, [
        ['to-server', handshake(aria2PeerId)],
        ['to-client', handshake(transmissionPeerId)],
        ['to-server', concat(piece(0, 16384), piece(1, 16384))],
      ]),
    ] as const;
    const found = run([pushed]);
    const mine = found.find((f) => f.client === pod.ip);
    expect(mine?.severity).toBe('medium');
    expect(mine?.evidence).toContain(`info hash ${hash}; client Transmission -TR3000-; 1 peer talked to`);
    expect(mine?.evidence).toContain('pieces downloaded 32.0 KiB, uploaded 0 B');
    expect(found.find((f) => f.client === '10.0.1.5')?.evidence).toContain(
      'pieces downloaded 0 B, uploaded 32.0 KiB; seeding',
    );
  });

  it('DHT queries and a UDP tracker announce from the pod are the same one finding', () => {
    const dht = flow({
      key: 'udp dht',
      transport: 'udp',
      client: pod,
      server: peer(9, 6881),
      protocol: 'bittorrent',
    });
    const tracker = flow({
      key: 'udp trk',
      transport: 'udp',
      client: pod,
      server: peer(8, 6969),
      protocol: 'bittorrent',
    });
    const found = run([
      [
        dht,
        events(bittorrentDatagrams, [
          ['to-server', krpc.getPeers],
          ['to-client', krpc.peers],
        ]),
      ],
      [
        tracker,
        events(bittorrentDatagrams, [
          ['to-server', trackerConnect],
          ['to-client', trackerConnected],
          ['to-server', trackerAnnounce(1 << 20, 0)],
        ]),
      ],
    ]);
    expect(found).toEqual([
      {
        client: pod.ip,
        severity: 'medium',
        evidence:
          'joined a BitTorrent swarm (DHT, UDP tracker); info hash 6d6e6f707172737475767778797a313233343536, ' +
          `${hash}; client Transmission -TR3000-; DHT get_peers; 0 peers talked to, 2 more handed over; ` +
          'pieces downloaded 0 B, uploaded 0 B',
      },
    ]);
  });

  it('an HTTP tracker announce (BEP 3), read only from announce paths; left=0 says it seeds', () => {
    const target =
      '/announce?info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg&peer_id=-TR3000-k3x9p0q1w2e4' +
      '&port=51413&uploaded=0&downloaded=0&left=0&event=started&compact=1';
    const http = flow({ protocol: 'http', server: peer(7, 8000) });
    const found = run([[http, [httpRequest(target), httpRequest(`/search${target.slice(9)}`)]]]);
    expect(found).toEqual([
      {
        client: pod.ip,
        severity: 'high',
        evidence:
          `joined a BitTorrent swarm (HTTP tracker); info hash ${hash}; client Transmission -TR3000-; ` +
          '0 peers talked to; pieces downloaded 0 B, uploaded 0 B; seeding: data leaves the pod',
      },
    ]);
    expect(run([[http, [httpRequest('/announce?info_hash=%zz')]]])).toEqual([]);
    // Past 32 other parameters (a tracker reads them all): the same announce (ADR 30).
    const padded = `/announce?${Array.from({ length: 40 }, (_, i) => `x${i}=1`).join('&')}&${target.slice(10)}`;
    expect(run([[http, [httpRequest(padded)]]])).toEqual(found);
    expect(percentDecode('%41b+', 20)).toEqual(Uint8Array.of(0x41, 0x62, 0x20));
    expect(percentDecode('a'.repeat(21), 20)).toBeUndefined();
  });

  it('remembers 256 peers an address talked to, and says "or more" past them (global state, bounded)', () => {
    const many = Array.from({ length: 300 }, (_, n) =>
      download({ ip: `10.1.${n >> 8}.${n & 255}`, port: 6881 }, 1),
    );
    const [mine] = run(many).filter((f) => f.client === pod.ip);
    expect(mine?.evidence).toContain('; 256 or more peers talked to; ');
  });

  it('allowClients leaves a sanctioned seeder out, and its peers still count', () => {
    const found = run([download(peer(1), 2)], { allowClients: ['10.0.1.1'] });
    expect(found.map((f) => f.client)).toEqual([pod.ip]);
    // A CIDR, as every allow list takes (the schema took it, the code compared it as an address: nobody left out).
    expect(run([download(peer(1), 2)], { allowClients: ['10.0.1.0/24'] }).map((f) => f.client)).toEqual([
      pod.ip,
    ]);
  });

  it('returns at once for events of other protocols', () => {
    const other = flow({ protocol: 'http' });
    expect(run([[other, [httpRequest('/api/users?id=1')]]])).toEqual([]);
  });

  it('ships a policy file that says what the code defaults to', () => {
    const yaml = parse(readFileSync(`${defaultPolicyDir}/p2p-file-sharing.yaml`, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(p2pFileSharing.config.parse(yaml)).toEqual(p2pFileSharing.config.parse({}));
    expect(Object.keys(yaml).sort()).toEqual(['allowClients', 'enabled', 'severity', 'uploads']);
  });
});
