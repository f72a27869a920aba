/**
 * BitTorrent for real, in two network namespaces joined by a veth pair: a torrent made by Debian's
 * transmission-create (4 MiB of random octets, announced to a tracker on the "node" namespace's address), a tiny HTTP
 * tracker written for the test from BEP 3 and BEP 23 (bittorrent-tracker-main.ts: a faithful fake, compact peer
 * lists), aria2c 1.36 seeding in the "node" namespace (peer wire on 5432, PostgreSQL's port; DHT on 5353, mDNS's),
 * and two leechers in the "pod" namespace: aria2c (peers on 6379, Redis's; DHT on 3478, STUN's, bootstrapped from the
 * seeder with --dht-entry-point) and transmission-cli 3.00 (peers on 8080; encryption tolerated, uTP and LPD off).
 * Both downloads complete and are compared with the file; the veth is captured with tcpdump, read by our engine with
 * the threat runner and, side by side, by ndpiReader 4.2.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { P2pEvent, ProtocolEvent } from '#sidecar/events.ts';
import { isDict, readBencode } from '#sidecar/protocols/bencode.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { waitUntil } from '#test/fixtures/protocols/live-servers.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { type NdpiFlow, ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable, waitForListen, waitForUdp } from '#test/helpers/netns.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpListening } from '#test/helpers/tcpdump.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'aria2c', 'transmission-cli', 'transmission-create']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const node = '10.48.0.1';
const pod = '10.48.0.2';
const size = 4 << 20;

type Seen = { flow: ObservedFlow; event: ProtocolEvent };

/** The info hash: SHA-1 of the torrent's bencoded info dictionary, as it is in the file (BEP 3). */
const infoHashOf = (torrent: Uint8Array): string => {
  const read = readBencode(torrent);
  const info = read.ok && isDict(read.value) ? read.value.entries.get('info') : undefined;
  if (!isDict(info)) throw new Error('no info dictionary in the torrent');
  return createHash('sha1').update(torrent.subarray(info.start, info.end)).digest('hex');
};

/**
 * tcpdump on the veth with whole packets (GRO hands it segments larger than the lab's 4 KiB snap length), and a
 * 64 MiB kernel buffer: with the default 2 MiB a loaded machine dropped packets of the 4 MiB transfer (a run counted
 * 2.2 MiB of pieces), which the reader rightly does not count.
 */
const capture = async (lab: KernelLab, pcap: string): Promise<() => Promise<void>> => {
  const tcpdump = lab.serverNs.spawn('tcpdump', [
    '-i',
    lab.serverDev,
    '-s',
    '0',
    '-B',
    '65536',
    '-U',
    '-n',
    '-w',
    pcap,
  ]);
  await tcpdumpListening(tcpdump);
  return () => stopTcpdump(tcpdump);
};

const sameFile = (a: string, b: string): boolean =>
  existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));

describe.skipIf(unavailable !== undefined)(
  `BitTorrent between aria2c and transmission-cli, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-p2p-'));
    const [seedDir, aria2Dir, transmissionDir] = ['seed', 'aria2', 'transmission'].map((d) =>
      join(dir, d),
    ) as [string, string, string];
    let infoHash = '';
    let findings: Finding[] = [];
    const seen: Seen[] = [];
    let ndpi: NdpiFlow[] = [];
    let aria2Exit: number | null = null;

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      for (const d of [seedDir, aria2Dir, join(transmissionDir, 'config'), join(transmissionDir, 'files')])
        mkdirSync(d, { recursive: true });
      const payload = join(seedDir, 'payload.bin');
      writeFileSync(payload, randomBytes(size));
      const torrent = join(dir, 'payload.torrent');
      execFileSync('transmission-create', [
        '-o',
        torrent,
        '-t',
        `http://${node}:6969/announce`,
        '-s',
        '256',
        payload,
      ]);
      infoHash = infoHashOf(readFileSync(torrent));

      lab = createKernelLab({ prefix: 'mwt', server: node, client: pod });
      const { serverNs, clientNs } = lab;
      serverNs.spawn('node', ['--import', 'tsx', 'test/helpers/bittorrent-tracker-main.ts', node, '6969']);
      await waitForListen(serverNs, 6969);
      const pcap = join(dir, 'bittorrent.pcap');
      const stop = await capture(lab, pcap);
      const common = ['--no-conf', '--bt-enable-lpd=false', '--enable-dht=true', '--summary-interval=0'];
      serverNs.spawn('aria2c', [
        ...common,
        ...['--seed-ratio=0.0', '--check-integrity=true', '-d', seedDir, '--listen-port=5432'],
        ...['--dht-listen-port=5353', `--dht-file-path=${join(seedDir, 'dht.dat')}`, torrent],
      ]);
      await waitForListen(serverNs, 5432);
      await waitForUdp(serverNs, '0.0.0.0', 5353).catch(() => undefined);
      const aria2: ChildProcess = clientNs.spawn('timeout', [
        '90',
        'aria2c',
        ...common,
        ...['--seed-time=0', '-d', aria2Dir, '--listen-port=6379', '--dht-listen-port=3478'],
        ...[`--dht-entry-point=${node}:5353`, `--dht-file-path=${join(aria2Dir, 'dht.dat')}`, torrent],
      ]);
      [aria2Exit] = (await once(aria2, 'exit')) as [number | null];
      // settings.json: peers on 8080, unencrypted handshakes preferred, no uTP (aria2 does not speak it), no LPD.
      writeFileSync(
        join(transmissionDir, 'config', 'settings.json'),
        JSON.stringify({ 'utp-enabled': false, 'lpd-enabled': false, 'dht-enabled': true, encryption: 0 }),
      );
      const transmission = clientNs.spawn('transmission-cli', [
        ...['-et', '-M', '-p', '8080', '-g', join(transmissionDir, 'config')],
        ...['-w', join(transmissionDir, 'files'), torrent],
      ]);
      await waitUntil(
        () => sameFile(join(transmissionDir, 'files', 'payload.bin'), payload),
        'transmission-cli finished the download',
        90_000,
      );
      transmission.kill('SIGTERM');
      await stop();

      const collector = {
        reads: [
          { kind: 'p2p', directions: ['to-server', 'to-client'], depth: 'every' },
          { kind: 'http-request', directions: ['to-server'], depth: 'every' },
        ] as const,
        onEvent: (flow: ObservedFlow, event: ProtocolEvent) => seen.push({ flow, event }),
      };
      ({ findings } = await inspectFile(pcap, { observers: [createThreatRunner(), collector] }));
      ndpi = runNdpi(pcap);
    }, 240_000);

    const flows = () => splitFindings(findings).flows;
    const p2p = (test: (e: P2pEvent, flow: ObservedFlow) => boolean) =>
      seen.filter(
        (s): s is { flow: ObservedFlow; event: P2pEvent } => s.event.kind === 'p2p' && test(s.event, s.flow),
      );
    const threat = (ip: string) => threatsBy(findings, 'p2p-file-sharing').find((f) => f.client.ip === ip);

    it('both leechers downloaded the whole file, octet for octet', () => {
      expect(aria2Exit).toBe(0);
      expect(sameFile(join(aria2Dir, 'payload.bin'), join(seedDir, 'payload.bin'))).toBe(true);
      expect(sameFile(join(transmissionDir, 'files', 'payload.bin'), join(seedDir, 'payload.bin'))).toBe(
        true,
      );
    });

    it("reads Transmission's unencrypted peer connection to the seeder: the torrent's info hash, both clients, 4 MiB of pieces", () => {
      const handshakes = p2p((e) => e.step === 'handshake');
      expect(handshakes.length).toBeGreaterThan(0);
      expect(new Set(handshakes.map((s) => s.event.infoHash))).toEqual(new Set([infoHash]));
      const clients = new Set(
        p2p((e) => e.client !== undefined).map((s) => `${s.event.direction} ${s.event.client}`),
      );
      for (const client of [
        'to-server Transmission -TR3000-',
        'to-server Transmission 3.00',
        'to-client aria2 1.36.0',
        'to-client aria2/1.36.0',
      ])
        expect(clients).toContain(client);
      const downloaded = p2p(
        (e, flow) => e.step === 'pieces' && e.direction === 'to-client' && flow.server.port === 5432,
      );
      expect(Math.max(...downloaded.map((s) => s.event.bytes ?? 0))).toBe(size);
      for (const { flow } of handshakes) expect(flow.protocol).toBe('bittorrent');
    });

    it('names the DHT between the two aria2c (KRPC over UDP on 3478 and 5353) and the tracker announces http', () => {
      const dht = p2p(
        (e, flow) => e.step === 'dht' && flow.client.port === 3478 && flow.server.port === 5353,
      );
      expect(dht.length).toBeGreaterThan(2);
      expect(new Set(dht.map((s) => s.event.action).filter(Boolean))).toContain('find_node');
      expect(dht.some((s) => s.event.client === 'aria2 (DHT v0.3)')).toBe(true);
      const trackers = flows().filter((f) => f.server.port === 6969);
      expect(trackers.length).toBeGreaterThanOrEqual(2);
      expect(new Set(trackers.map((f) => f.protocol))).toEqual(new Set(['http']));
    });

    it('leaves encrypted (MSE) peer connections unidentified: aria2c encrypts the connections it opens', () => {
      const peerFlows = flows().filter((f) => {
        const port = f.server.port;
        return port === 5432 || port === 8080 || port === 6379;
      });
      const labels = peerFlows.map((f) => f.protocol);
      console.log(`our labels on peer connections: ${labels.join(', ')}`);
      expect(labels).toContain('bittorrent');
      expect(new Set(labels)).toEqual(new Set(['bittorrent', 'unknown']));
    });

    it('one p2p-file-sharing finding for the pod and one for the seeder, both uploading (high)', () => {
      const leechers = threat(pod);
      const seeder = threat(node);
      console.log(
        `pod: ${leechers?.severity} ${leechers?.evidence}\nseeder: ${seeder?.severity} ${seeder?.evidence}`,
      );
      expect(threatsBy(findings, 'p2p-file-sharing')).toHaveLength(2);
      expect(leechers?.evidence).toContain(`info hash ${infoHash}`);
      expect(leechers?.evidence).toContain('Transmission -TR3000-');
      expect(leechers?.evidence).toMatch(/pieces downloaded 4\.0 MiB/);
      // The leechers told the tracker they had it all (left=0, event=completed): seeders from then on.
      expect(leechers?.severity).toBe('high');
      expect(seeder?.severity).toBe('high');
      expect(seeder?.evidence).toMatch(
        /client aria2 1\.36\.0, aria2\/1\.36\.0; .*uploaded 4\.0 MiB; seeding/,
      );
    });

    it('nDPI 4.2 names the peer wire, the DHT and the tracker announces BitTorrent; the encrypted ones by cache or port', () => {
      console.log(
        `nDPI:\n${ndpi.map((f) => `${f.transport} ${f.a} ${f.b} ${f.app} ${f.confidence}`).join('\n')}`,
      );
      const label = (port: number) =>
        ndpi.filter((f) => f.b.endsWith(`:${port}`) || f.a.endsWith(`:${port}`));
      expect(new Set(label(6969).map((f) => f.app))).toEqual(new Set(['BitTorrent']));
      expect(new Set(label(5353).map((f) => f.app))).toEqual(new Set(['BitTorrent']));
      // Every nDPI label on the peer connections: BitTorrent (from the bytes, or its cache of peers), or a port's guess.
      for (const f of [...label(5432), ...label(8080), ...label(6379)])
        expect(f.app === 'BitTorrent' || f.confidence === 'Match by port', `${f.a} ${f.b} ${f.app}`).toBe(
          true,
        );
      // Its risks are generic ones: nothing says that a pod shares files.
      const risks = new Set(ndpi.flatMap((f) => f.risks));
      console.log(`nDPI risks: ${[...risks].join(', ')}`);
      for (const risk of risks)
        expect([
          'Known Protocol on Non Standard Port',
          'HTTP Numeric IP Address',
          'Malformed Packet',
        ]).toContain(risk);
    });
  },
);

/**
 * uTP (BEP 29) for real: two transmission-cli 3.00, a seeder in the "node" namespace and a leecher in the "pod"
 * namespace, uTP on (their default), DHT and LPD off, talk over UDP: the peer wire rides in uTP data packets.
 */
describe.skipIf(unavailable !== undefined)(
  `BitTorrent over uTP between two transmission-cli, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-utp-'));
    const [seedDir, leechDir] = [join(dir, 'seed'), join(dir, 'leech')];
    let infoHash = '';
    let findings: Finding[] = [];
    let ndpi: NdpiFlow[] = [];
    const udpNode = '10.49.0.1';
    const udpPod = '10.49.0.2';
    const half = 2 << 20;

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      for (const d of ['seed', 'seed-config', 'leech', 'leech-config']) mkdirSync(join(dir, d));
      const payload = join(seedDir, 'payload.bin');
      writeFileSync(payload, randomBytes(half));
      const torrent = join(dir, 'payload.torrent');
      execFileSync('transmission-create', [
        '-o',
        torrent,
        '-t',
        `http://${udpNode}:6969/announce`,
        '-s',
        '256',
        payload,
      ]);
      infoHash = infoHashOf(readFileSync(torrent));
      lab = createKernelLab({ prefix: 'mwu', server: udpNode, client: udpPod });
      const { serverNs, clientNs } = lab;
      serverNs.spawn('node', ['--import', 'tsx', 'test/helpers/bittorrent-tracker-main.ts', udpNode, '6969']);
      await waitForListen(serverNs, 6969);
      const pcap = join(dir, 'utp.pcap');
      const stop = await capture(lab, pcap);
      const settings = JSON.stringify({
        'utp-enabled': true,
        'lpd-enabled': false,
        'dht-enabled': false,
        encryption: 0,
      });
      const cli = (ns: typeof serverNs, name: string, port: string, files: string) => {
        writeFileSync(join(dir, `${name}-config`, 'settings.json'), settings);
        return ns.spawn('transmission-cli', [
          '-et',
          '-M',
          '-p',
          port,
          '-g',
          join(dir, `${name}-config`),
          '-w',
          files,
          torrent,
        ]);
      };
      const seeder = cli(serverNs, 'seed', '51413', seedDir);
      await waitForListen(serverNs, 51413);
      const leecher = cli(clientNs, 'leech', '51414', leechDir);
      await waitUntil(
        () => sameFile(join(leechDir, 'payload.bin'), payload),
        'the uTP download finished',
        90_000,
      );
      leecher.kill('SIGTERM');
      seeder.kill('SIGTERM');
      await stop();
      ({ findings } = await inspectFile(pcap, { observers: [createThreatRunner()] }));
      ndpi = runNdpi(pcap);
    }, 180_000);

    it('the download completed over uTP: one UDP flow between the peers, bittorrent here and for nDPI', () => {
      expect(sameFile(join(leechDir, 'payload.bin'), join(seedDir, 'payload.bin'))).toBe(true);
      const peers = splitFindings(findings).flows.filter((f) => f.transport === 'udp');
      const utpFlows = peers.filter((f) => f.server.port === 51413 || f.server.port === 51414);
      expect(utpFlows.map((f) => f.protocol)).toEqual(['bittorrent']);
      const theirs = ndpi.filter((f) => f.transport === 'udp' && /:5141[34]$/.test(f.b));
      console.log(`nDPI on uTP: ${theirs.map((f) => `${f.a} ${f.b} ${f.app} ${f.confidence}`).join('; ')}`);
      expect(theirs.map((f) => f.app)).toEqual(['BitTorrent']);
    });

    it('reads the peer wire inside uTP: the info hash, and every octet of the file as pieces, in order', () => {
      const pod = threatsBy(findings, 'p2p-file-sharing').find((f) => f.client.ip === udpPod);
      const seeder = threatsBy(findings, 'p2p-file-sharing').find((f) => f.client.ip === udpNode);
      console.log(`uTP pod: ${pod?.evidence}\nuTP seeder: ${seeder?.evidence}`);
      expect(pod?.evidence).toContain(`info hash ${infoHash}`);
      expect(pod?.evidence).toContain('pieces downloaded 2.0 MiB');
      expect(pod?.evidence).toContain('joined a BitTorrent swarm (HTTP tracker, peer wire over uTP)');
      expect(seeder?.evidence).toContain('uploaded 2.0 MiB; seeding');
    });
  },
);
