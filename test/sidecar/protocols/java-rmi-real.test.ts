/**
 * Java RMI on the JDK 17 alone (test/fixtures/java-rmi/Rmi.java): a registry with a bound object, a client that looks
 * it up, calls it and lists the registry, and an attacker binding a gadget (the trigger of ysoserial's
 * CommonsCollections5) as RMIRegistryExploit does, which the registry's JEP 290 filter refuses. On ports that say
 * nothing (no 1099), captured by tcpdump on loopback and read by the engine with the default detectors; nDPI's
 * verdict is printed beside ours when ndpiReader is installed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const missing = ['tcpdump', 'java'].filter((command) => !hasCommand(command));
const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : missing.length > 0
    ? `missing ${missing.join(', ')} (.ci/apt/deserialization.txt)`
    : undefined;
const source = 'test/fixtures/java-rmi/Rmi.java';

/** Two free consecutive ports on loopback (the registry's and the exported object's). */
const freePorts = async (): Promise<number> => {
  for (;;) {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as { port: number }).port;
    probe.close();
    const next = createServer().listen(port + 1, '127.0.0.1');
    const free = await Promise.race([
      once(next, 'listening').then(() => true),
      once(next, 'error').then(() => false),
    ]);
    next.close();
    if (free && port < 65534) return port;
  }
};

const java = (mode: string, port: number): string =>
  execFileSync('java', [source, mode, String(port)], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });

describe.skipIf(unavailable !== undefined)(
  `Java RMI from the JDK${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('labels every connection rmi, reads the calls, and reports the gadget bound', async () => {
      const port = await freePorts();
      const pcap = join(tempDir('meshward-rmi-'), 'rmi.pcap');
      const tcpdump = spawn('tcpdump', [
        ...tcpdumpBuffer,
        ...['-i', 'lo', '-U', '--immediate-mode', '-w', pcap, `tcp port ${port} or tcp port ${port + 1}`],
      ]);
      let server: ChildProcess | undefined;
      const said: string[] = [];
      try {
        await tcpdumpListening(tcpdump);
        server = spawn('java', ['-Djava.rmi.server.hostname=127.0.0.1', source, 'server', String(port)], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        await once(server.stdout as NodeJS.ReadableStream, 'data');
        said.push(...java('client', port).trim().split('\n'), java('attack', port).trim());
      } finally {
        server?.kill();
        await stopTcpdump(tcpdump, 500);
      }
      expect(said).toEqual(['hello alice', 'greeter', 'refused: java.rmi.ServerException']);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const { flows, threats } = splitFindings(findings);
      expect(flows.length).toBeGreaterThanOrEqual(3);
      for (const flow of flows) expect(flow.protocol, `${flow.server.port}`).toBe('rmi');
      const operations = new Set(flows.flatMap((f) => f.l7?.operations ?? []));
      for (const op of [
        'registry.lookup',
        'registry.list',
        'registry.bind',
        'dgc.dirty',
        'object.method',
        'return',
        'exception',
      ])
        expect(operations, op).toContain(op);
      expect(threats.map((f) => [f.threat, f.severity, f.evidence.split(' — ')[0]])).toEqual([
        [
          'insecure-deserialization',
          'critical',
          'Java RMI call registry.bind "pwn", its arguments a Java serialized object with gadget BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5)',
        ],
      ]);
      if (ndpiAvailable())
        console.log(
          `nDPI on the RMI flows: ${runNdpi(pcap)
            .map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`)
            .join('; ')}`,
        );
    }, 180_000);
  },
);
