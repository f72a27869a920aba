/**
 * SOCKS 5's UDP ASSOCIATE and BIND through a real proxy: Debian's danted (Dante 1.4) in a network namespace the test
 * creates, dnsmasq answering DNS there, and a Python client (test/helpers/socks5-client.py) that sends a DNS query
 * through danted's UDP relay, then has danted listen for a peer (BIND) and sends an HTTP request through that tunnel.
 * The loopback is captured with tcpdump and read by the engine: the relay's flow is SOCKS with the DNS inside (its
 * destination and query name), the BIND connection is SOCKS with the HTTP inside.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen, waitForUdp } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'danted', 'dnsmasq', 'python3']);

/** Dante's configuration: no authentication, CONNECT, BIND and UDP ASSOCIATE allowed on the loopback. */
const dantedConf = [
  'logoutput: stderr',
  'internal: 127.0.0.1 port = 1080',
  'external: 127.0.0.1',
  'socksmethod: none',
  'clientmethod: none',
  'user.privileged: root',
  'user.unprivileged: nobody',
  'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
  'socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: bind connect udpassociate }',
  'socks pass { from: 0.0.0.0/0 to: 127.0.0.0/8 command: bindreply udpreply }',
  '',
].join('\n');

describe.skipIf(unavailable !== undefined)(
  `SOCKS 5 UDP ASSOCIATE and BIND through danted${unavailable === undefined ? '' : ` (skipped: ${unavailable}; apt-get install dante-server dnsmasq-base tcpdump)`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-socks-udp-real-'));
    let ns: Netns | undefined;
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    let said = '';

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      ns = createNetns('mwsocks');
      const conf = join(dir, 'danted.conf');
      writeFileSync(conf, dantedConf);
      ns.spawn('danted', ['-f', conf, '-N', '1']);
      ns.spawn('dnsmasq', [
        ...['--no-daemon', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--pid-file='],
        ...['--listen-address=127.0.0.1', '--bind-interfaces', '--user=root'],
        '--address=/shop.example.test/10.0.0.80',
      ]);
      await waitForListen(ns, 1080);
      await waitForUdp(ns, '127.0.0.1', 53);
      const pcap = join(dir, 'socks.pcap');
      const tcpdump = ns.spawn('tcpdump', [...tcpdumpBuffer, '-i', 'lo', '-s', '0', '-U', '-n', '-w', pcap]);
      await tcpdumpListening(tcpdump);
      said = ns.exec('python3', [
        'test/helpers/socks5-client.py',
        '127.0.0.1',
        '127.0.0.1',
        'shop.example.test',
      ]);
      await stopTcpdump(tcpdump);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      ({ flows, threats } = splitFindings(findings));
    }, 60_000);

    it('reads the relay flow as SOCKS, with the DNS inside: its destination, query and answer', () => {
      // The client exits with an error unless the answer came back through the relay (and the peer through the BIND).
      const relayPort = Number(/^relay 127\.0\.0\.1 (\d+) answer 10\.0\.0\.80$/m.exec(said)?.[1]);
      const relay = flows.find((f) => f.transport === 'udp' && f.server.port === relayPort);
      expect(relay).toMatchObject({
        protocol: 'socks',
        l7: {
          operations: ['relay 127.0.0.1:53', 'tunnel dns'],
          dns: {
            queries: [{ name: 'shop.example.test', type: 'A' }],
            answers: [expect.objectContaining({ name: 'shop.example.test', data: '10.0.0.80' })],
          },
        },
      });
      // The UDP ASSOCIATE's connection names the relay in its reply; danted's own query to dnsmasq is plain DNS.
      const control = flows.find((f) => f.l7?.operations?.includes('UDP ASSOCIATE'));
      expect(control?.protocol).toBe('socks');
      expect(flows.find((f) => f.transport === 'udp' && f.server.port === 53)?.protocol).toBe('dns');
    });

    it('reads the BIND connection as SOCKS, both replies, then the HTTP request through its tunnel', () => {
      const bind = flows.find((f) => f.l7?.operations?.includes('BIND'));
      expect(bind).toMatchObject({
        protocol: 'socks',
        l7: { operations: expect.arrayContaining(['tunnel http']), http: { methods: ['GET'] } },
      });
      expect(JSON.stringify(bind?.l7?.http)).toContain('/reports/');
    });

    it('reports the relay danted opened, where its datagrams went, and the BIND once, as a reverse connection', () => {
      const relayPort = Number(/^relay 127\.0\.0\.1 (\d+) answer/m.exec(said)?.[1]);
      const stories = threats
        .filter((t) => t.threat === 'socks-proxy')
        .map((t) => [t.transport, t.evidence.replace(/:\d{4,5}\b/g, ':PORT'), t.count]);
      expect(stories).toEqual(
        expect.arrayContaining([
          ['tcp', 'a SOCKS5 proxy opened a UDP relay at 127.0.0.1:PORT', 1],
          ['udp', 'a SOCKS5 UDP relay carried datagrams to 127.0.0.1:53', 1],
        ]),
      );
      expect(threats.find((t) => t.evidence.includes('opened a UDP relay'))?.evidence).toContain(
        `:${relayPort}`,
      );
      const bind = stories.filter(([, evidence]) => String(evidence).includes('BIND'));
      expect(bind).toEqual([
        [
          'tcp',
          expect.stringMatching(
            /^a SOCKS5 BIND: the proxy accepted a reverse connection from 127\.0\.0\.1:PORT/,
          ),
          1,
        ],
      ]);
    });
  },
);
