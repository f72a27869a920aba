/**
 * OpenWire for real, in a network namespace the test creates: Debian's ActiveMQ 5.17.2 (test/helpers/activemq.ts, a
 * BrokerService without persistence or JMX) listening on Redis's port (6379); its own Java client
 * (test/fixtures/openwire/OpenWire.java: ActiveMQConnectionFactory, user alice, client id shop-1) sending a text
 * message to queue://orders and receiving it, then an object message whose body is a gadget's trigger (CVE-2015-5254's
 * way to the queue's consumers), the same compressed (useCompression), and a consumer receiving both (the broker's
 * dispatches; getObject() refuses them);
 * and a Node client shaped as the CVE-2023-46604 exploits (openwire-exploit-main.ts: WIREFORMAT_INFO, then an
 * EXCEPTION_RESPONSE naming Spring's ClassPathXmlApplicationContext and a loopback URL that goes nowhere). Debian's
 * broker is patched and refuses the class; the tap judges the request. Captured by tcpdump, read by the engine with
 * the default detectors; nDPI's labels are printed beside ours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import type { OperationEvent } from '#sidecar/events.ts';
import { activemqClasspath, activemqUnavailable, startActiveMq } from '#test/helpers/activemq.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = activemqUnavailable();
const port = 6379;
const spring = 'org.springframework.context.support.ClassPathXmlApplicationContext';
const url = 'http://127.0.0.1:9/poc.xml';

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; ops: string[]; said: string[]; pcap: string };

const recorder = (ops: string[]): EngineObserver => ({
  onEvent(flow, event) {
    if (event.kind === 'operation' && event.protocol === 'openwire')
      ops.push(
        `${flow.client.port} ${event.direction} ${event.operation} ${(event as OperationEvent).detail ?? ''}`,
      );
  },
});

const session = async (ns: Netns, dir: string): Promise<Run> => {
  const java = (mode: string): string[] => [
    '-cp',
    activemqClasspath,
    'test/fixtures/openwire/OpenWire.java',
    mode,
    `${port}`,
  ];
  await startActiveMq(ns, `tcp://127.0.0.1:${port}`, port);
  const pcap = join(dir, 'openwire.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, 'tcp');
  const said = [ns.exec('java', java('client'), { timeoutMs: 60_000 }).trim()];
  for (const mode of ['object', 'object-compressed', 'object-padded', 'consume'])
    said.push(ns.exec('java', java(mode), { timeoutMs: 60_000 }).trim());
  const exploit = [
    '--import',
    'tsx',
    'test/helpers/openwire-exploit-main.ts',
    '127.0.0.1',
    `${port}`,
    spring,
    url,
  ];
  said.push(ns.exec('node', exploit, { timeoutMs: 30_000 }).trim());
  await stopTcpdump(tcpdump);
  const ops: string[] = [];
  const { findings } = await inspectFile(pcap, { observers: [...defaultObservers(), recorder(ops)] });
  return {
    ...splitFindings(findings),
    ops,
    said,
    pcap,
  };
};

describe.skipIf(unavailable !== undefined)(
  `OpenWire against Debian's ActiveMQ${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/activemq.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-openwire-real-'));

    beforeAll(async () => {
      ns = createNetns('mwow');
      run = await session(ns, dir);
    }, 180_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every connection openwire, on a port that says redis', () => {
      // The consumer's getObject() refuses both gadgets: javax.management is not among ActiveMQ's trusted packages.
      expect(run.said.slice(0, 5)).toEqual(['order 42', 'sent', 'sent', 'sent', 'refused, refused, refused']);
      expect(JSON.parse(run.said[5] ?? '{}')).toMatchObject({ sent: true, brokerOpened: 'ActiveMQ' });
      const flows = run.flows.filter((f) => f.server.port === port);
      expect(flows).toHaveLength(6);
      for (const flow of flows) expect(flow.protocol, `${flow.client.port}`).toBe('openwire');
    });

    it("reads the client's connect, its destination, the message sent and dispatched, and the exploit's Throwable", () => {
      const told = run.ops.map((op) => op.split(' ').slice(1).join(' ').trim());
      expect(told).toEqual(
        expect.arrayContaining([
          'to-client broker-info tcp://localhost:6379',
          'to-server connect client-id=shop-1 user=alice',
          'to-server produce queue://orders',
          'to-server send queue://orders',
          'to-server consume queue://orders',
          'to-client dispatch queue://orders',
          'to-server ack queue://orders',
          'to-server shutdown',
          `to-server exception-response ${spring}: ${url}`,
        ]),
      );
      expect(run.ops.join('\n')).not.toContain('s3cret');
    });

    it('reports the exploit and the gadget sent to the queue critical, and the real client not at all', () => {
      const exploitPort = run.ops.find((op) => op.includes('exception-response'))?.split(' ')[0];
      const exploit = run.threats.filter((t) => `${t.client.port}` === exploitPort);
      expect(exploit.map((t) => [t.threat, t.severity, t.evidence.split(' — ')[1]])).toEqual([
        ['insecure-deserialization', 'critical', `openwire exception-response: message "${url}"`],
      ]);
      expect(exploit[0]?.evidence).toContain(`class ${spring}`);
      // The three producers (plain, compressed, padded past 64 KiB) and the consumer the broker dispatched all to.
      const others = run.threats.filter((t) => `${t.client.port}` !== exploitPort);
      expect(others.map((t) => [t.threat, t.severity, t.evidence.split(' — ')[1]?.split(':')[0]])).toEqual([
        ['insecure-deserialization', 'critical', 'openwire message'],
        ['insecure-deserialization', 'critical', 'openwire message'],
        ['insecure-deserialization', 'critical', 'openwire message'],
        ['insecure-deserialization', 'critical', 'openwire dispatch'],
      ]);
      // The padded body: the gadget's class descriptor lies past the 64 KiB kept of the frame.
      expect(others[2]?.evidence).toMatch(
        /octets kept, the stream padded past them: javax\.management\.BadAttributeValueExpException named after the first 64 KiB/,
      );
      expect(others[0]?.evidence).toContain(
        'ActiveMQ OpenWire object message to queue://orders, its body a Java serialized object every consumer',
      );
      expect(others[3]?.evidence).toContain(
        'ActiveMQ OpenWire object message dispatched to this consumer from queue://orders, its body a Java serialized object its getObject() deserializes',
      );
      for (const threat of others)
        expect(threat.evidence).toContain('with gadget BadAttributeValueExpException toString trigger');
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap).filter((f) => f.b.endsWith(`:${port}`));
      console.log(
        `nDPI on the OpenWire flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence}) [${f.risks.join(', ')}]`).join('; ')}; meshward: ${run.flows.map((f) => f.protocol).join(', ')}`,
      );
      expect(ndpi).toHaveLength(6);
    });
  },
);
