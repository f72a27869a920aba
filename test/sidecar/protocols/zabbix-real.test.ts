/**
 * Zabbix for real, in a network namespace the test creates: Debian 12's zabbix_agentd 6.0 in the foreground on Redis's
 * port (6379), from a configuration the test writes (ListenIP 127.0.0.1, Server=127.0.0.1, `AllowKey=system.run[*]`,
 * AllowRoot=1, its log and pid file in the test's directory), asked by our own zabbix_get
 * (test/helpers/zabbix-get-main.ts: Debian ships none) for ordinary keys, a file, `system.run[id]`, a key it does not
 * know and a service account token under a host mount the test makes; and the agent's own active checks towards our
 * small server on PostgreSQL's port (test/helpers/zabbix-server-main.ts), which hands it `agent.ping` and a remote
 * command, `system.run[uname -s]`, whose output the agent sends back. Captured by tcpdump, read by the engine with
 * the default detectors; nDPI's labels are printed beside ours.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'zabbix_agentd']);
const agentPort = 6379;
const serverPort = 5432;
const tokenPath = '/host/var/run/secrets/kubernetes.io/serviceaccount/token';

type Run = {
  flows: FlowFinding[];
  threats: ThreatFinding[];
  answers: string[];
  received: string;
  pcap: string;
};

const agentConfig = (dir: string): string =>
  [
    'ListenIP=127.0.0.1',
    `ListenPort=${agentPort}`,
    'Server=127.0.0.1',
    `ServerActive=127.0.0.1:${serverPort}`,
    'Hostname=meshward-test',
    'AllowKey=system.run[*]',
    'AllowRoot=1',
    'LogType=file',
    `LogFile=${join(dir, 'agent.log')}`,
    `PidFile=${join(dir, 'agent.pid')}`,
    'StartAgents=1',
    'BufferSend=1',
    '',
  ].join('\n');

const activeCommand = 'system.run[uname -s]';

/** Polls our server's output until the agent has sent the remote command's value from its active checks. */
const sentData = async (output: () => string): Promise<void> => {
  for (let i = 0; i < 150 && !output().includes(`"key":"${activeCommand}"`); i++)
    await new Promise((r) => setTimeout(r, 100));
};

const session = async (ns: Netns, dir: string): Promise<Run> => {
  const token = join(dir, tokenPath);
  mkdirSync(join(token, '..'), { recursive: true });
  writeFileSync(token, 'eyJhbGciOiJSUzI1NiJ9.test-token');
  writeFileSync(join(dir, 'agent.conf'), agentConfig(dir));
  let received = '';
  const server = ns.spawn('node', [
    '--import',
    'tsx',
    'test/helpers/zabbix-server-main.ts',
    `${serverPort}`,
    'agent.ping',
    activeCommand,
  ]);
  server.stdout?.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  await waitForListen(ns, serverPort);
  const pcap = join(dir, 'zabbix.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${agentPort} or tcp port ${serverPort}`);
  ns.spawn('zabbix_agentd', ['-f', '-c', join(dir, 'agent.conf')]);
  await waitForListen(ns, agentPort);
  const keys = [
    'agent.ping',
    'system.cpu.load[all,avg1]',
    'vfs.file.contents[/etc/hostname]',
    'system.run[id]',
    'no.such.key',
    `vfs.file.contents[${token}]`,
  ];
  const get = ['--import', 'tsx', 'test/helpers/zabbix-get-main.ts', '127.0.0.1', `${agentPort}`, ...keys];
  const answers = JSON.parse(ns.exec('node', get, { timeoutMs: 30_000 })) as string[];
  await sentData(() => received);
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return { ...splitFindings(findings), answers, received, pcap };
};

describe.skipIf(unavailable !== undefined)(
  `Zabbix from zabbix_agentd 6.0${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/zabbix.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-zabbix-real-'));

    beforeAll(async () => {
      ns = createNetns('mwzb');
      run = await session(ns, dir);
    }, 90_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    const toAgent = () => run.flows.filter((f) => f.server.port === agentPort);
    const operations = (flows: FlowFinding[]) => new Set(flows.flatMap((f) => f.l7?.operations ?? []));

    it('labels every passive check zabbix on a port that says redis, with its key and the answer', () => {
      const [ping, load, , id, unknown, token] = run.answers;
      expect([ping, id, unknown, token]).toEqual([
        '1',
        'uid=0(root) gid=0(root) groups=0(root)',
        'ZBX_NOTSUPPORTED: Unsupported item key.',
        'eyJhbGciOiJSUzI1NiJ9.test-token',
      ]);
      expect(load).toMatch(/^\d+\.\d+$/);
      expect(toAgent()).toHaveLength(6);
      for (const flow of run.flows) expect(flow.protocol, `${flow.client.port}`).toBe('zabbix');
      const told = operations(toAgent());
      for (const op of [
        'agent.ping',
        'system.cpu.load[all,avg1]',
        'vfs.file.contents[/etc/hostname]',
        'system.run[id]',
        'no.such.key',
        'ok',
        'not supported: Unsupported item key.',
      ])
        expect(told, op).toContain(op);
    });

    it("labels the agent's active checks zabbix: the request naming its host, the values it sends, the answers", () => {
      expect(run.received).toContain('"request":"active checks","host":"meshward-test"');
      const active = run.flows.filter((f) => f.server.port === serverPort);
      expect(active.length).toBeGreaterThanOrEqual(2);
      const told = operations(active);
      for (const op of ['active checks meshward-test', 'agent data', 'response success'])
        expect(told, op).toContain(op);
      expect(run.received).toMatch(/"key":"system\.run\[uname -s\]","value":"Linux"/);
    });

    it('reports system.run answered critical naming the command, the token read high, and nothing else', () => {
      const judged = run.threats
        .filter((t) => t.server.port === agentPort)
        .map((t) => [t.threat, t.severity, t.evidence]);
      expect(judged).toEqual(
        expect.arrayContaining([
          [
            'monitoring-agent-abuse',
            'critical',
            `127.0.0.1 asked the Zabbix agent at 127.0.0.1:${agentPort} to run \`id\` (system.run): remote commands are enabled; it answered with 38 octets`,
          ],
          [
            'monitoring-agent-abuse',
            'high',
            expect.stringContaining(
              `${tokenPath} (vfs.file.contents), a sensitive path; it answered with 31 octets`,
            ),
          ],
        ]),
      );
      expect(judged).toHaveLength(2);
    });

    it('reports the remote command our server handed out through active checks high, and its output sent back critical', () => {
      const active = run.threats.filter((t) => t.server.port === serverPort);
      const handed = `the Zabbix server at 127.0.0.1:${serverPort} handed the agent at 127.0.0.1 an active check to run \`uname -s\` (system.run)`;
      const ran = `the Zabbix agent at 127.0.0.1 sent the server at 127.0.0.1:${serverPort} the output of \`uname -s\` (system.run): remote commands are enabled and ran`;
      const told = active.map((t) => `${t.threat} ${t.severity} ${t.evidence}`);
      expect(told).toContain(`monitoring-agent-abuse high ${handed}`);
      expect(told).toContain(`monitoring-agent-abuse critical ${ran}`);
      // Once per connection: the agent asks for its checks and sends its values on connections of their own.
      for (const line of told)
        expect([`monitoring-agent-abuse high ${handed}`, `monitoring-agent-abuse critical ${ran}`]).toContain(
          line,
        );
      console.log(
        `active checks: ${active.map((t) => `${t.severity} ×${t.count} from port ${t.client.port}`).join(', ')}`,
      );
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the Zabbix flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${run.flows.map((f) => f.protocol).join(', ')}`,
      );
    });
  },
);
