/**
 * RDP for real, in a network namespace the test creates: Debian's xrdp 0.9.21 twice, with `security_layer=rdp` on
 * PostgreSQL's port (5432) and with `negotiate` and a certificate made here on 5433; FreeRDP 2.11.7's xfreerdp
 * (`+auth-only`, on an Xvnc display of its own) asking for Standard RDP Security and for TLS; a Node client sending
 * what a BlueKeep check sends (rdp-client-main.ts: PROTOCOL_RDP, then MS_T120 among its channels) and one asking for
 * SSL that then speaks TLS over the same socket. Captured by tcpdump, read by the engine with the default detectors;
 * nDPI's labels are printed beside ours.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import type { OperationEvent } from '#sidecar/events.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { blueKeepChannels } from '#test/helpers/rdp-pdus.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';
import { displayReady, freerdp, xrdpIni } from '#test/helpers/xrdp.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'xrdp', 'xfreerdp', 'Xvnc', 'openssl']) ??
  (existsSync('/etc/xrdp/rsakeys.ini') ? undefined : 'no /etc/xrdp/rsakeys.ini (xrdp-keygen xrdp auto)');

const standardPort = 5432;
const negotiatePort = 5433;

type Run = {
  flows: FlowFinding[];
  threats: ThreatFinding[];
  ops: (OperationEvent & { port: number })[];
  said: string[];
  pcap: string;
};

/** Records the RDP operations the engine's parsers emit, each with its flow's server port. */
const recorder = (ops: (OperationEvent & { port: number })[]): EngineObserver => ({
  onEvent(flow, event) {
    if (event.kind === 'operation' && event.protocol === 'rdp')
      ops.push({ ...event, port: flow.server.port });
  },
});

const session = async (ns: Netns, dir: string): Promise<Run> => {
  for (const [port, layer] of [
    [standardPort, 'rdp'],
    [negotiatePort, 'negotiate'],
  ] as const) {
    const ini = join(dir, `xrdp-${port}.ini`);
    writeFileSync(ini, xrdpIni(port, layer, dir));
    ns.spawn('xrdp', ['--nodaemon', '--config', ini]);
    await waitForListen(ns, port);
  }
  const number = 40 + Math.floor(Math.random() * 50);
  const display = `:${number}`;
  const xvnc = ns.spawn('Xvnc', [display, '-SecurityTypes', 'None', '-rfbport', '-1', '-nolisten', 'tcp']);
  const pcap = join(dir, 'rdp.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, 'tcp');
  const said: string[] = [];
  const node = (mode: string, port: number): void => {
    said.push(
      ns.exec('node', [
        '--import',
        'tsx',
        'test/helpers/rdp-client-main.ts',
        mode,
        '127.0.0.1',
        String(port),
      ]),
    );
  };
  node('bluekeep', standardPort);
  node('tls', negotiatePort);
  await displayReady(number);
  for (const [sec, port] of [
    ['rdp', standardPort],
    ['tls', negotiatePort],
  ] as const)
    freerdp(ns, dir, display, sec, port);
  await stopTcpdump(tcpdump);
  // Asked to stop, Xvnc removes its socket and lock file; killed with the namespace, it would leave them in /tmp.
  const exited = once(xvnc, 'exit');
  xvnc.kill('SIGTERM');
  await exited;
  const ops: (OperationEvent & { port: number })[] = [];
  const { findings } = await inspectFile(pcap, { observers: [...defaultObservers(), recorder(ops)] });
  return {
    ...splitFindings(findings),
    ops,
    said,
    pcap,
  };
};

describe.skipIf(unavailable !== undefined)(
  `RDP against xrdp, FreeRDP and a BlueKeep check${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/rdp.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-rdp-real-'));

    beforeAll(async () => {
      ns = createNetns('mwrdp');
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=rdp.shop.test'],
          ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        ],
        { stdio: 'ignore' },
      );
      run = await session(ns, dir);
    }, 180_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every connection rdp, on both ports', () => {
      const rdpFlows = run.flows.filter((f) => [standardPort, negotiatePort].includes(f.server.port));
      expect(rdpFlows).toHaveLength(4);
      for (const flow of rdpFlows) expect(flow.protocol, `${flow.client.port}`).toBe('rdp');
    });

    it('reads the user, the protocols asked for and chosen, and the channels', () => {
      const told = run.ops.map((op) => `${op.port} ${op.operation} ${op.detail ?? ''}`.trim());
      expect(told).toEqual(
        expect.arrayContaining([
          `${standardPort} connect user=scanner requested=rdp`,
          `${standardPort} negotiated protocol=rdp`,
          `${standardPort} connect user=alice`,
          `${standardPort} negotiated protocol=rdp implied`,
          `${standardPort} server-security encryption=128bit level=high`,
          `${negotiatePort} connect user=alice requested=ssl,hybrid`,
          `${negotiatePort} connect user=alice requested=ssl`,
          `${negotiatePort} negotiated protocol=ssl`,
        ]),
      );
      const channels = run.ops.filter((op) => op.channels !== undefined).map((op) => op.channels);
      expect(channels).toEqual(
        expect.arrayContaining([[...blueKeepChannels], ['rdpdr', 'rdpsnd', 'cliprdr', 'drdynvc']]),
      );
    });

    it('reports the BlueKeep check critical, and the server that accepts Standard RDP Security', () => {
      const stories = run.threats
        .map((t) => [t.threat, t.severity, t.server.port, t.evidence.split(';')[0]])
        .sort((a, b) => String(a).localeCompare(String(b)));
      expect(stories).toEqual([
        [
          'rdp-abuse',
          'critical',
          standardPort,
          'RDP client asked for the static virtual channel MS_T120 (BlueKeep, CVE-2019-0708: a check or an exploit)',
        ],
        ['weak-rdp', 'medium', standardPort, 'RDP server chose Standard RDP Security (no TLS, no NLA)'],
        [
          'weak-rdp',
          'medium',
          standardPort,
          'RDP server went on with Standard RDP Security, no TLS, no NLA (encryption=128bit level=high)',
        ],
      ]);
    });

    it('reads the rest of a TLS session as TLS, and reports nothing of it', () => {
      expect(run.said.map((line) => JSON.parse(line).tls).filter(Boolean)).toEqual(['TLSv1.3']);
      const tlsFlows = run.flows.filter((f) => f.server.port === negotiatePort);
      const node = tlsFlows.find((f) => f.l7?.tls?.sni === 'rdp.shop.test');
      expect(node).toMatchObject({ protocol: 'rdp', encrypted: true, l7: { tls: { version: 'TLS1.3' } } });
      expect(node?.l7?.tls?.ja4).toMatch(/^t13d/);
      for (const flow of tlsFlows)
        expect(flow.l7?.tls?.version, `${flow.client.port}`).toMatch(/^TLS1\.[23]$/);
      expect(run.threats.filter((t) => t.server.port === negotiatePort)).toEqual([]);
    });

    it.skipIf(!ndpiAvailable())(
      'nDPI 4.2 labels the four connections RDP too, and raises nothing of BlueKeep',
      () => {
        const ndpi = runNdpi(run.pcap).filter((f) => /:543[23]$/.test(f.b));
        console.log(
          `nDPI on the RDP flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence}) [${f.risks.join(', ')}]`).join('; ')}`,
        );
        expect(ndpi.map((f) => f.app)).toEqual(['RDP', 'RDP', 'RDP', 'RDP']);
        expect(ndpi.flatMap((f) => f.risks).filter((r) => /BlueKeep|CVE|Exploit/i.test(r))).toEqual([]);
      },
    );
  },
);
