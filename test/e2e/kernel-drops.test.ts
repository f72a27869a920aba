/**
 * The real Linux kernel as the oracle for what a pod never receives: in a network namespace the test creates, a
 * listening server is sent SYNs that its kernel drops (IPv4 source routing, an IPv6 routing header with a segment
 * left, and one forged from the server's own address) and ones it answers (plain; IPv6 behind nine
 * destination-options headers, or behind a routing header with none left), captured with `tcpdump -i any` as the
 * tap captures. The capture shows which SYNs the kernel answered; the engine, given the pod's address as the tap gives it, must drop exactly the ones it did not.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { addressText } from '#sidecar/decode/decoded-packet.ts';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const unavailable = netnsUnavailable(['tcpdump', 'hping3', 'ss', 'python3']);
const server = '10.68.0.1';
const client = '10.68.0.2';
const server6 = 'fd68::1';
const client6 = 'fd68::2';
const port = 8080;
/** Source ports, one per probe, so each SYN and its answer can be told apart (IPv6: see ipv6-syns.py). */
const probes = { sourceRouted: 41001, spoofed: 41002, plain: 41003 } as const;
const probes6 = { nineOptions: 41101, segmentLeft: 41102, routingDone: 41103, plain: 41104 } as const;
const ipv6Syns = fileURLToPath(new URL('./kernel-drops/ipv6-syns.py', import.meta.url));

const run = (ns: Netns, args: string[]) => {
  try {
    ns.exec('hping3', args, { timeoutMs: 5_000 });
  } catch {
    // hping3 exits non-zero when nothing answers: what the dropped probes expect
  }
};

describe.skipIf(unavailable !== undefined)(
  `the tap drops what the pod’s kernel drops (real kernel, netns)${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let dir = '';
    let pcap = '';
    let lab: KernelLab | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshward-kernel-'));
      pcap = join(dir, 'kernel.pcap');
      lab = createKernelLab({ prefix: 'mwk', server, client, server6, client6 });
      const { serverNs, clientNs, clientDev, macs } = lab;
      const echo = `require('node:net').createServer((s) => s.pipe(s)).listen(${port}, '::')`;
      serverNs.spawn(process.execPath, ['-e', echo]);
      await waitForListen(serverNs, port);
      // BPF's `tcp` does not look behind IPv6 extension headers: take all of IPv6.
      const stop = await lab.capture(pcap, 'tcp or ip6');
      const syn = (sourcePort: number, extra: string[]) =>
        run(clientNs, [
          '-S',
          '-c',
          '1',
          '-p',
          String(port),
          '-s',
          String(sourcePort),
          '-k',
          ...extra,
          server,
        ]);
      syn(probes.sourceRouted, ['--lsrr', server]);
      syn(probes.spoofed, ['-a', server]);
      syn(probes.plain, []);
      clientNs.exec('python3', [ipv6Syns, clientDev, ...macs, client6, server6, String(port)]);
      await stop();
    }, 60_000);

    afterAll(() => {
      lab?.destroy();
      if (dir !== '' && process.env.MESHWARD_KEEP_CAPTURE !== '1')
        rmSync(dir, { recursive: true, force: true });
    });

    /** Source ports the server's kernel answered with a SYN-ACK, read from the capture itself. */
    const answered = (): Set<number> => {
      const decoder = createPacketDecoder();
      const ports = new Set<number>();
      for (const record of readCapture(readFileSync(pcap)).records) {
        if (decoder.decode(record) !== 'ok') continue;
        const p = addressText(decoder.packet);
        if (
          p.transport === 'tcp' &&
          (p.src === server || p.src === server6) &&
          p.srcPort === port &&
          (p.tcpFlags & 0x12) === 0x12
        )
          ports.add(p.dstPort);
      }
      return ports;
    };

    it('sees the kernel answer the plain SYNs and the IPv6 ones it delivers, and no other', () => {
      expect([...answered()].sort()).toEqual([
        probes.plain,
        probes6.nineOptions,
        probes6.routingDone,
        probes6.plain,
      ]);
    });

    it('drops exactly the SYNs the kernel dropped: source-routed (IPv4 option, IPv6 segment left), self-addressed', async () => {
      const result = await inspectFile(pcap, { localAddresses: [server] });
      expect(result.stats.decode['source-routed']).toBe(2);
      expect(result.stats.decode.martian).toBe(1);
      const { flows } = splitFindings(result.findings);
      const clientPorts = flows.filter((f) => f.server.port === port).map((f) => f.client.port);
      expect(clientPorts.sort()).toEqual([...answered()].sort());
    });
  },
);
