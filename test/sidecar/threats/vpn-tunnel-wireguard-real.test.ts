/**
 * WireGuard for real: Debian's wireguard-go (userspace, over /dev/net/tun: no kernel module is loaded here) in two
 * network namespaces, configured with `wg`, listening on UDP port 53 (DNS's port, so the port says nothing), a
 * 300 kB TCP transfer through the tunnel, then the client's peer removed and added again so a second handshake runs on
 * the same flow (a rekey, as every two minutes), and more data. Captured on the veth with tcpdump, read by our engine
 * and, side by side, by ndpiReader.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { type NdpiFlow, ndpiAvailable, ourIdOf, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'wireguard-go', 'wg', 'socat']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const [server, client] = ['10.48.0.1', '10.48.0.2'];
const [innerServer, innerClient] = ['10.49.0.1', '10.49.0.2'];
const port = 53;

/**
 * wireguard-go makes its TUN device first and its control socket after: `wg set` before the socket exists falls back
 * to the kernel's netlink and fails ("Protocol not supported"), as it did once on a loaded machine.
 */
const waitForDevice = async (ns: Netns, dev: string): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    try {
      ns.exec('ip', ['link', 'show', 'dev', dev]);
      if (existsSync(`/var/run/wireguard/${dev}.sock`)) return;
    } catch {
      // not there yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`wireguard-go did not create ${dev} and its control socket in ${ns.name} within 10 s`);
};

const daemons: ChildProcess[] = [];

/** wireguard-go told to stop (it then removes its interface and its socket under /var/run/wireguard), waited for. */
const stopDaemons = async (): Promise<void> => {
  await Promise.all(
    daemons.map(
      (daemon) =>
        new Promise<void>((resolve) => {
          if (daemon.exitCode !== null || daemon.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            daemon.kill('SIGKILL');
            resolve();
          }, 5_000);
          daemon.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          daemon.kill('SIGTERM');
        }),
    ),
  );
};

/** One wireguard-go interface in a namespace, its private key written to `dir`; returns its public key. */
const startInterface = async (ns: Netns, dev: string, dir: string, address: string): Promise<string> => {
  daemons.push(ns.spawn('wireguard-go', ['-f', dev]));
  await waitForDevice(ns, dev);
  const key = execFileSync('wg', ['genkey'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, `${dev}.key`), `${key}\n`, { mode: 0o600 });
  ns.exec('wg', ['set', dev, 'private-key', join(dir, `${dev}.key`)]);
  ns.exec('ip', ['addr', 'add', `${address}/24`, 'dev', dev]);
  ns.exec('ip', ['link', 'set', dev, 'up']);
  return execFileSync('wg', ['pubkey'], { input: `${key}\n`, encoding: 'utf8' }).trim();
};

describe.skipIf(unavailable !== undefined)(
  `WireGuard through wireguard-go, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-wg-'));
    const tag = randomBytes(3).toString('hex');
    const [serverDev, clientDev] = [`mwg${tag}s`, `mwg${tag}c`];
    let flows: FlowFinding[] = [];
    let found: ThreatFinding[] = [];
    let ndpi: NdpiFlow[] = [];

    afterAll(async () => {
      await stopDaemons();
      // Kills every process left in the namespaces (socat, tcpdump); the sockets of a wireguard-go that had to be
      // killed stay behind, so they are removed by name.
      lab?.destroy();
      for (const dev of [serverDev, clientDev]) rmSync(`/var/run/wireguard/${dev}.sock`, { force: true });
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwg', server, client });
      const { serverNs, clientNs } = lab;
      const serverKey = await startInterface(serverNs, serverDev, dir, innerServer);
      const clientKey = await startInterface(clientNs, clientDev, dir, innerClient);
      serverNs.exec('wg', ['set', serverDev, 'listen-port', String(port)]);
      serverNs.exec('wg', ['set', serverDev, 'peer', clientKey, 'allowed-ips', `${innerClient}/32`]);
      const peer = ['peer', serverKey, 'allowed-ips', `${innerServer}/32`, 'endpoint', `${server}:${port}`];
      clientNs.exec('wg', ['set', clientDev, ...peer]);
      const pcap = join(dir, 'wireguard.pcap');
      const stop = await lab.capture(pcap, 'udp', lab.serverDev);
      serverNs.spawn('socat', ['-u', `TCP-LISTEN:8080,bind=${innerServer},reuseaddr,fork`, 'OPEN:/dev/null']);
      await waitForListen(serverNs, 8080);
      const data = join(dir, 'data.bin');
      writeFileSync(data, randomBytes(300_000));
      const send = () => clientNs.exec('socat', ['-u', `OPEN:${data}`, `TCP:${innerServer}:8080`]);
      send();
      // The peer forgotten and added again: its next packet starts a new handshake on the same socket (a rekey).
      clientNs.exec('wg', ['set', clientDev, 'peer', serverKey, 'remove']);
      clientNs.exec('wg', ['set', clientDev, ...peer]);
      send();
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      ({ flows, threats: found } = splitFindings(findings));
      ndpi = runNdpi(pcap);
    }, 120_000);

    it('sees one WireGuard flow on port 53: both handshakes, the second a rekey, and data both ways', () => {
      expect(flows).toHaveLength(1);
      const [flow] = flows;
      expect(flow).toMatchObject({ protocol: 'wireguard', encrypted: true, server: { ip: server, port } });
      expect(flow?.l7?.operations).toEqual(
        expect.arrayContaining([
          'handshake-initiation',
          'handshake-response',
          'handshake-completed',
          'rekey',
        ]),
      );
      expect((flow?.bytes.toServer ?? 0) + (flow?.bytes.toClient ?? 0)).toBeGreaterThan(600_000);
    });

    it('reports the tunnel: handshake completed with the server, what went through, one rekey', () => {
      const vpn = found.filter((f) => f.threat === 'vpn-tunnel');
      expect(vpn).toHaveLength(1);
      expect(vpn[0]).toMatchObject({ severity: 'high', confidence: 0.97, protocol: 'wireguard' });
      expect(vpn[0]?.evidence).toMatch(
        new RegExp(
          `^WireGuard handshake completed with ${server}:${port}, [0-9.]+ kB through the tunnel, 1 rekey$`,
        ),
      );
      // And the port's own protocol was not spoken.
      expect(found.find((f) => f.threat === 'protocol-mismatch')?.evidence).toContain('saw wireguard');
    });

    it('nDPI 4.2 agrees: WireGuard, by DPI, on the same capture', () => {
      const udp = ndpi.filter((f) => f.transport === 'udp');
      expect(udp).toHaveLength(1);
      expect(udp[0]).toMatchObject({ app: 'WireGuard', confidence: 'DPI' });
      expect(ourIdOf(udp[0] as NdpiFlow)).toBe('wireguard');
    });
  },
);
