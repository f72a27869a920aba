/**
 * STOMP for real, in a network namespace the test creates: Debian's ActiveMQ 5.17.2 (test/helpers/activemq.ts) with a
 * stomp:// connector on Redis's port (6379), requiring alice's login; Debian's stomp.py 8 (test/helpers/stomp-client.py)
 * logging in with STOMP 1.2 and heart-beats, subscribing to /queue/orders, sending a message and a transaction of two,
 * acknowledging what comes back and disconnecting with a receipt; ten logins with a wrong passcode, each refused with
 * an ERROR frame; and a STOMP 1.0 client sending /queue/objects a body shaped as a Java object stream of a gadget's
 * trigger, which a STOMP 1.2 consumer then takes off the queue (the broker's MESSAGE carrying the same stream to the
consumer's connection). Captured by tcpdump, read by the engine with every detector (cleartext-credentials told to look at
 * loopback too, as the capture is there); nDPI's labels are printed beside ours.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { activemqUnavailable, startActiveMq } from '#test/helpers/activemq.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const stompPy = '/usr/lib/python3/dist-packages/stomp';
const unavailable =
  activemqUnavailable(['/usr/bin/python3']) ?? (existsSync(stompPy) ? undefined : 'python3-stomp is missing');
const port = 6379;
const guesses = 10;

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; events: string[]; said: string[]; pcap: string };

/** Every STOMP event as `client-port direction what`. */
const recorder = (events: string[]): EngineObserver => ({
  onEvent(flow, event) {
    if (event.kind === 'operation' && event.protocol === 'stomp')
      events.push(`${flow.client.port} ${event.direction} ${event.operation}`);
    if (event.kind === 'db-auth' && event.dialect === 'stomp')
      events.push(`${flow.client.port} login ${event.ok} ${event.user} ${event.method}`);
  },
});

const client = (ns: Netns, ...args: string[]): string =>
  ns
    .exec('/usr/bin/python3', ['test/helpers/stomp-client.py', '127.0.0.1', `${port}`, ...args], {
      timeoutMs: 60_000,
    })
    .trim();

const session = async (ns: Netns, dir: string): Promise<Run> => {
  const startMs = await startActiveMq(ns, `stomp://127.0.0.1:${port}`, port, ['alice:s3cret-never-shown']);
  console.log(`ActiveMQ 5.17.2 listened for STOMP ${startMs} ms after the JVM was started`);
  const pcap = join(dir, 'stomp.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, 'tcp');
  const said = [
    client(ns, 'session'),
    client(ns, 'refused', `${guesses}`),
    client(ns, 'legacy'),
    client(ns, 'consume'),
  ];
  await stopTcpdump(tcpdump);
  const events: string[] = [];
  const runner = createThreatRunner({ configs: { 'cleartext-credentials': { loopback: true } } });
  const { findings } = await inspectFile(pcap, { observers: [runner, recorder(events)] });
  return { ...splitFindings(findings), events, said, pcap };
};

describe.skipIf(unavailable !== undefined)(
  `STOMP against Debian's ActiveMQ and stomp.py${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/stomp.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-stomp-real-'));

    beforeAll(async () => {
      ns = createNetns('mwst');
      run = await session(ns, dir);
    }, 180_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every connection stomp, on a port that says redis', () => {
      expect(run.said).toEqual([
        'order 42 order 43 order 44',
        'User name [alice] or password is invalid.',
        'sent',
        'took 67 octets',
      ]);
      const flows = run.flows.filter((f) => f.server.port === port);
      expect(flows).toHaveLength(3 + guesses);
      for (const flow of flows) expect(flow.protocol, `${flow.client.port}`).toBe('stomp');
    });

    it("reads the session's frames with their destinations, and each login with its answer", () => {
      const told = run.events.map((e) => e.split(' ').slice(1).join(' '));
      expect(told).toEqual(
        expect.arrayContaining([
          'to-server STOMP',
          'to-client CONNECTED',
          'login true alice cleartext',
          'to-server SUBSCRIBE /queue/orders',
          'to-server SEND /queue/orders',
          'to-server BEGIN',
          'to-server COMMIT',
          'to-client MESSAGE /queue/orders',
          'to-server ACK',
          'to-server DISCONNECT',
          'to-client RECEIPT',
          'to-client ERROR',
          'login false alice cleartext',
          'to-server CONNECT',
          'to-server SEND /queue/objects',
          'to-server SUBSCRIBE /queue/objects',
          'to-client MESSAGE /queue/objects',
        ]),
      );
      expect(told.filter((e) => e === 'login false alice cleartext')).toHaveLength(guesses);
      expect(told.filter((e) => e === 'to-client MESSAGE /queue/orders')).toHaveLength(3);
      const summary = run.flows.find((f) => f.l7?.operations?.includes('SEND /queue/orders'));
      expect(summary?.l7?.operations).toEqual(
        expect.arrayContaining(['SUBSCRIBE /queue/orders', 'MESSAGE /queue/orders']),
      );
    });

    it('reports the passcodes sent in the clear, the guessing, the gadget sent to the queue and delivered from it', () => {
      const byThreat = (id: string): ThreatFinding[] => run.threats.filter((t) => t.threat === id);
      expect(byThreat('cleartext-credentials')).toHaveLength(3 + guesses);
      expect(byThreat('cleartext-credentials')[0]?.evidence).toBe(
        'a stomp password for user alice (cleartext method) sent unencrypted',
      );
      expect(byThreat('db-auth-brute-force').map((t) => [t.severity, t.evidence])).toEqual([
        ['high', `${guesses} failed stomp logins within 60000 ms for 1 user name(s)`],
      ]);
      expect(
        byThreat('insecure-deserialization').map((t) => [t.severity, t.evidence.split(' — ')[1]]),
      ).toEqual([
        ['critical', 'stomp message: 67 octets'],
        ['critical', 'stomp dispatch: 67 octets'],
      ]);
      const consumer = byThreat('insecure-deserialization')[1];
      expect(consumer?.evidence).toContain('STOMP MESSAGE /queue/objects delivered to this consumer');
      expect(consumer?.client.port).toBe(
        run.flows.find((f) => f.l7?.operations?.includes('SUBSCRIBE /queue/objects'))?.client.port,
      );
      expect(JSON.stringify(run.threats)).not.toContain('s3cret');
      expect(run.threats.map((t) => t.threat).sort()).toEqual(
        [
          ...Array(3 + guesses).fill('cleartext-credentials'),
          'db-auth-brute-force',
          'insecure-deserialization',
          'insecure-deserialization',
        ].sort(),
      );
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap).filter((f) => f.b.endsWith(`:${port}`));
      const labels = [...new Set(ndpi.map((f) => `${f.master}.${f.app} (${f.confidence})`))];
      console.log(`nDPI on the ${ndpi.length} STOMP flows: ${labels.join('; ')}; meshward: stomp`);
      expect(ndpi).toHaveLength(3 + guesses);
    });
  },
);
