/**
 * STUN and TURN for real, in a network namespace the test creates: Debian's coturn 4.6.1 with a static user
 * (`--lt-cred-mech --user alice:s3cret --realm meshward.test`) on 5432, TCP and UDP (PostgreSQL's port, which says
 * nothing true here), refusing loopback peers as it does by default; a second turnserver on UDP and TCP 161 (SNMP's)
 * started with `--allow-loopback-peers`. A turnutils_peer echoes on 198.51.100.7:3480 (a documentation address on the
 * namespace's loopback: public by the detector's default policy) and on 127.0.0.1:3480. The real clients:
 * turnutils_stunclient's Binding; turnutils_uclient relaying to 198.51.100.7 over UDP with channels and over TCP with
 * Send indications (legitimate), then to 127.0.0.1 through each server. Captured by tcpdump, read by the engine with
 * the default detectors; nDPI's labels are printed beside ours when ndpiReader is installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen, waitForUdp } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable([
  'tcpdump',
  'ss',
  'turnserver',
  'turnutils_uclient',
  'turnutils_peer',
  'turnutils_stunclient',
]);
const strict = 5432;
const loose = 161;
const publicPeer = '198.51.100.7';

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

const turnserver = (ns: Netns, port: number, ...extra: string[]) =>
  ns.spawn('turnserver', [
    ...['-p', String(port), '-L', '127.0.0.1', '-E', '127.0.0.1', '--lt-cred-mech', '--user', 'alice:s3cret'],
    ...[
      '--realm',
      'meshward.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--log-file',
      'stdout',
      '--simple-log',
    ],
    ...[
      '--min-port',
      String(port === strict ? 49152 : 49300),
      '--max-port',
      String(port === strict ? 49250 : 49400),
    ],
    ...extra,
  ]);

/** A client's last line that says how it went: its totals, or the error that stopped it. */
const uclient = (ns: Netns, port: number, peer: string, ...flags: string[]): string => {
  const args = [...flags, '-p', String(port), '-u', 'alice', '-w', 's3cret', '-e', peer, '-r', '3480'];
  let out: string;
  try {
    out = ns.exec('turnutils_uclient', [...args, '-n', '3', '-l', '40', '-c', '127.0.0.1'], {
      timeoutMs: 30_000,
    });
  } catch (error) {
    out = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
  }
  // It prints its totals as it starts (all 0) and as it ends: the last say how it went.
  return (
    /error 403 \(Forbidden IP\)/.exec(out)?.[0] ??
    out.match(/tot_send_msgs=\d+, tot_recv_msgs=\d+/g)?.at(-1) ??
    out.slice(-200)
  );
};

const session = async (ns: Netns, dir: string): Promise<Run> => {
  ns.exec('ip', ['addr', 'add', `${publicPeer}/32`, 'dev', 'lo']);
  turnserver(ns, strict);
  turnserver(ns, loose, '--allow-loopback-peers');
  ns.spawn('turnutils_peer', ['-L', publicPeer, '-p', '3480']);
  ns.spawn('turnutils_peer', ['-L', '127.0.0.1', '-p', '3480']);
  await Promise.all([waitForListen(ns, strict), waitForListen(ns, loose)]);
  await Promise.all([waitForUdp(ns, publicPeer, 3480), waitForUdp(ns, '127.0.0.1', 3480)]);
  const pcap = join(dir, 'turn.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `port ${strict} or port ${loose}`);
  const binding = ns.exec('turnutils_stunclient', ['-p', String(strict), '127.0.0.1']);
  const said = [
    /UDP reflexive addr: 127\.0\.0\.1/.test(binding) ? 'reflexive' : binding.slice(-200),
    uclient(ns, strict, publicPeer),
    uclient(ns, strict, publicPeer, '-t', '-s'),
    uclient(ns, strict, '127.0.0.1'),
    uclient(ns, loose, '127.0.0.1'),
  ];
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return { ...splitFindings(findings), said, pcap };
};

const operationsOf = (flows: readonly FlowFinding[]) => new Set(flows.flatMap((f) => f.l7?.operations ?? []));

describe.skipIf(unavailable !== undefined)(
  `STUN and TURN from coturn${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/turn.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-stun-real-'));

    beforeAll(async () => {
      ns = createNetns('mwtu');
      run = await session(ns, dir);
    }, 120_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every flow stun on ports that say postgresql and snmp, UDP and TCP', () => {
      expect(run.said).toEqual([
        'reflexive',
        'tot_send_msgs=3, tot_recv_msgs=3',
        'tot_send_msgs=3, tot_recv_msgs=3',
        'error 403 (Forbidden IP)',
        'tot_send_msgs=3, tot_recv_msgs=3',
      ]);
      expect(run.flows.length).toBeGreaterThanOrEqual(8);
      for (const flow of run.flows)
        expect(flow.protocol, `${flow.transport} ${flow.client.port}`).toBe('stun');
      expect(new Set(run.flows.map((f) => f.transport))).toEqual(new Set(['udp', 'tcp']));
    });

    it('tells the operations, the facts and the peers with the answers to them', () => {
      const operations = operationsOf(run.flows);
      for (const op of [
        'Binding request',
        'Binding success',
        'Allocate request',
        'Allocate error 401',
        'Allocate success',
        'requested-transport udp',
        'realm meshward.test',
        "software Coturn-4.6.1 'Gorst'",
        'message-integrity sha1',
        'Refresh success',
        'ChannelBind success',
        'CreatePermission success',
        'Send indication',
        'Data indication',
        `peer ${publicPeer}:3480 ChannelBind granted`,
        `peer ${publicPeer}:3480 ChannelData relayed`,
        `peer ${publicPeer}:3480 Data relayed`,
        'peer 127.0.0.1:3480 ChannelBind granted',
        'peer 127.0.0.1:3480 ChannelData relayed',
      ])
        expect(operations, op).toContain(op);
      // turnutils_uclient binds a channel to the peer's port and the one after it (RTP's and RTCP's): either is refused first.
      expect(
        [...operations].filter((op) => /^peer 127\.0\.0\.1:348[01] ChannelBind refused 403$/.test(op)),
      ).toHaveLength(1);
      expect(
        [...operations].some((op) => /^relayed \d+ ChannelData to the server \(\d+ octets\)/.test(op)),
      ).toBe(true);
      expect([...operations].some((op) => op.includes('alice'))).toBe(false);
    });

    it('reports the refused loopback relay high, the granted one critical, and nothing of the public peer', () => {
      const turn = run.threats.filter((t) => t.threat === 'turn-relay-abuse');
      const refused = turn.filter((t) => t.server.port === strict);
      const granted = turn.filter((t) => t.server.port === loose);
      expect(refused.map((t) => t.severity)).toEqual(['high']);
      expect(refused[0]?.evidence).toMatch(
        /to 127\.0\.0\.1:348[01], loopback, with \w+: the server refused it \(403 Forbidden IP\)/,
      );
      expect(granted.map((t) => t.severity)).toEqual(['critical']);
      expect(granted[0]?.evidence).toMatch(
        /to 127\.0\.0\.1:348[01], loopback, with \w+: (the server granted it|data was relayed)/,
      );
      expect(turn.some((t) => t.evidence.includes(publicPeer))).toBe(false);
      // SNMP's port is a system port, whose hint protocol-mismatch judges: STUN there is told, as it should be.
      const others = run.threats.filter((t) => t.threat !== 'turn-relay-abuse');
      expect(new Set(others.map((t) => `${t.threat} ${t.server.port} ${t.evidence}`))).toEqual(
        new Set([`protocol-mismatch ${loose} expected snmp on 127.0.0.1:${loose} (port hint), saw stun`]),
      );
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the STUN/TURN flows: ${ndpi.map((f) => `${f.transport} ${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${run.flows.map((f) => `${f.transport} ${f.protocol}`).join(', ')}`,
      );
    });
  },
);
