/** Zabbix from zabbix_agentd 6.0's own bytes (zabbix-messages.ts) and hand-built variants: detection, summary, bounds. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { zabbix } from '#sidecar/protocols/zabbix.ts';
import { maxInflated } from '#sidecar/protocols/zabbix-data.ts';
import {
  concat,
  contractCheck,
  everySplitAgrees,
  feed,
  hex,
} from '#test/fixtures/protocols/protocol-harness.ts';
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
  askUnknown,
} from '#test/fixtures/protocols/zabbix-messages.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[]).map((e) => [e.direction, e.operation, e.detail]);

describe('zabbix detection', () => {
  it("matches either side's header as the agent wrote it, and waits on its prefixes", () => {
    for (const [bytes, direction] of [
      [askPing, 'to-server'],
      [answerPing, 'to-client'],
      [activeChecks, 'to-server'],
      [activeChecksAnswer, 'to-client'],
    ] as const) {
      expect(zabbix.detect(bytes, direction)).toBe('match');
      expect(zabbix.detect(bytes.subarray(0, 12), direction)).toBe('need-more');
    }
    expect(zabbix.detect(hex('5a4258'), 'to-server')).toBe('need-more');
    expect(zabbix.detect(zabbixMessage('agent.ping', { large: true }).subarray(0, 20), 'to-server')).toBe(
      'need-more',
    );
    expect(zabbix.detect(zabbixMessage('agent.ping', { large: true }), 'to-server')).toBe('match');
    expect(zabbix.detect(zabbixMessage('agent.ping', { compress: true }), 'to-server')).toBe('match');
  });

  it('refuses garbage after ZBXD, undefined flags, lengths past the bounds and headerless keys', () => {
    expect(zabbix.detect(new TextEncoder().encode('ZBXDfoo bar baz'), 'to-server')).toBe('no-match');
    expect(zabbix.detect(hex('5a42584400 0a000000 00000000'), 'to-server')).toBe('no-match');
    expect(zabbix.detect(hex('5a42584409 0a000000 00000000'), 'to-server')).toBe('no-match');
    // 1 GiB + 1 in a packet; 16 GiB + 1 in a large one (Zabbix's own bounds).
    expect(zabbix.detect(hex('5a42584401 01000040 00000000'), 'to-server')).toBe('no-match');
    expect(zabbix.detect(hex('5a42584401 00000040 00000000'), 'to-server')).toBe('match');
    expect(zabbix.detect(hex('5a42584405 0100000004000000 0000000000000000'), 'to-server')).toBe('no-match');
    // Compressed with nowhere to inflate to.
    expect(zabbix.detect(hex('5a42584403 02000000 00000000 789c'), 'to-server')).toBe('no-match');
    expect(zabbix.detect(new TextEncoder().encode('agent.ping\n'), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(zabbix, ['zabbix']);

  it('never matches random bytes and survives them', () => {
    expect(contractCheck(zabbix, ['to-server', askRun]).randomMatches).toBe(0);
  });
});

describe('zabbix passive checks', () => {
  it("tells each key asked for and the agent's answer, never the value", () => {
    const events = [
      [askPing, answerPing],
      [askFile, answerFile],
      [askRun, answerRun],
      [askUnknown, answerNotSupported],
      [askLoad, answerLoad],
    ].flatMap(([ask, answer]) =>
      feed(zabbix, [
        ['to-server', ask as Uint8Array],
        ['to-client', answer as Uint8Array],
      ]),
    );
    expect(ops(events)).toEqual([
      ['to-server', 'agent.ping', undefined],
      ['to-client', 'ok', '1 octets'],
      ['to-server', 'vfs.file.contents[/etc/hostname]', '/etc/hostname'],
      ['to-client', 'ok', '2 octets'],
      ['to-server', 'system.run[id]', 'id'],
      ['to-client', 'ok', '38 octets'],
      ['to-server', 'no.such.key', undefined],
      ['to-client', 'not supported: Unsupported item key.', undefined],
      ['to-server', 'system.cpu.load[all,avg1]', 'all,avg1'],
      ['to-client', 'ok', '8 octets'],
    ]);
  });

  it('cuts long parameters in the operation at 120 characters and keeps 1 KiB of them in the detail', () => {
    const command = `echo ${'A'.repeat(2000)}`;
    const [asked] = feed(zabbix, [
      ['to-server', zabbixMessage(`system.run[${command}]`)],
    ]) as OperationEvent[];
    expect(asked?.operation).toBe(`system.run[${command.slice(0, 120)}…`.replace(/…$/, '…]'));
    expect(asked?.detail).toBe(command.slice(0, 1024));
  });

  it('reads a header split anywhere the same, and two messages in one chunk', () => {
    const segments = [
      ['to-server', askRun],
      ['to-client', answerRun],
    ] as const;
    expect(everySplitAgrees(zabbix, segments).mismatch).toBeUndefined();
    expect(ops(feed(zabbix, [['to-server', concat(askPing, askLoad)]])).map((o) => o[1])).toEqual([
      'agent.ping',
      'system.cpu.load[all,avg1]',
    ]);
  });
});

describe('zabbix JSON', () => {
  it('tells active checks with their host, agent data with its values, and the responses', () => {
    const events = [
      ...feed(zabbix, [
        ['to-server', activeChecks],
        ['to-client', activeChecksAnswer],
      ]),
      ...feed(zabbix, [
        ['to-server', agentData],
        ['to-client', agentDataAnswer],
      ]),
    ];
    expect(ops(events)).toEqual([
      ['to-server', 'active checks meshward-test', undefined],
      ['to-client', 'response success', '2 items; keys agent.ping, system.hostname'],
      ['to-server', 'agent data', '2 values; hosts meshward-test'],
      ['to-client', 'response success', 'processed: 1; failed: 0; total: 1; seconds spent: 0.000055'],
    ]);
    // The keys whole, for monitoring-agent-abuse: those handed to the agent, and those whose values it sent.
    expect((events as OperationEvent[]).map((e) => e.items)).toEqual([
      undefined,
      ['agent.ping', 'system.hostname'],
      ['agent.ping', 'system.hostname'],
      undefined,
    ]);
  });

  it('gives item keys whole to 1 KiB, at most 64 distinct, leaving out values agent data marks unsupported', () => {
    const long = `system.run[${'x'.repeat(2000)}]`;
    const handed = Array.from({ length: 70 }, (_, i) => ({ key: `k.${i}` }));
    const [answer] = (
      feed(zabbix, [
        ['to-server', activeChecks],
        [
          'to-client',
          zabbixMessage(JSON.stringify({ response: 'success', data: [{ key: long }, ...handed] })),
        ],
      ]) as OperationEvent[]
    ).slice(1);
    const items = answer?.items ?? [];
    expect(items).toHaveLength(64);
    expect(items[0]).toBe(long.slice(0, 1024));
    const data = [
      { host: 'h', key: 'system.run[id]', value: 'Unsupported item key.', state: 1 },
      { host: 'h', key: 'agent.ping', value: '1' },
    ];
    const [sent] = feed(zabbix, [
      ['to-server', zabbixMessage(JSON.stringify({ request: 'agent data', data }))],
    ]) as OperationEvent[];
    expect(sent?.items).toEqual(['agent.ping']);
  });

  it('inflates compressed data, in a large packet too', () => {
    const sender = JSON.stringify({
      request: 'sender data',
      data: [{ host: 'web-1', key: 'trap', value: '1' }],
    });
    const events = feed(zabbix, [
      ['to-server', zabbixMessage(sender, { compress: true, large: true })],
      ['to-client', zabbixMessage('{"response":"failed","info":"no permission"}', { compress: true })],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'sender data', '1 values; hosts web-1'],
      ['to-client', 'response failed', 'no permission'],
    ]);
  });

  it(`reads the first ${maxInflated / 1024} KiB of a compression bomb, and tells undecodable data`, () => {
    const bomb = `{"request":"agent data","session":"${'0'.repeat(4 * 1024 * 1024)}"}`;
    const events = feed(zabbix, [
      ['to-server', zabbixMessage(bomb, { compress: true })],
      ['to-client', hex('5a42584403 04000000 10000000 00010203')],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'agent data', 'cut'],
      ['to-client', 'compressed data not inflated', undefined],
    ]);
  });

  it('stops a direction at bytes that are no header, and reads a message longer than 64 KiB as its first part', () => {
    expect(
      feed(zabbix, [['to-server', concat(askPing, hex('00112233445566778899aabbcc'), askLoad)]]),
    ).toHaveLength(1);
    const long = zabbixMessage(
      `{"request":"proxy data","host":"p1","history data":"${'x'.repeat(100_000)}"}`,
    );
    expect(ops(feed(zabbix, [['to-server', long]]))).toEqual([['to-server', 'proxy data', 'cut']]);
  });
});
