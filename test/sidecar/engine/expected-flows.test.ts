import { describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createExpectedFlows } from '#sidecar/engine/expected-flows.ts';
import type { ExpectedFlowEvent } from '#sidecar/events.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, type Message, tcpConversation } from './conversation.ts';

const control: Endpoints = { client: '10.0.0.5', server: '10.0.0.9', clientPort: 40100, serverPort: 21 };
const session = (dataPort: number): Message[] => [
  { from: 'server', data: '220 (vsFTPd 3.0.3)\r\n' },
  { from: 'client', data: 'USER anonymous\r\n' },
  { from: 'server', data: '331 Please specify the password.\r\n' },
  { from: 'client', data: 'PASS guest@\r\n' },
  { from: 'server', data: '230 Login successful.\r\n' },
  { from: 'client', data: 'EPSV\r\n' },
  { from: 'server', data: `229 Entering Extended Passive Mode (|||${dataPort}|)\r\n` },
  { from: 'client', data: 'RETR report.bin\r\n' },
];
/** A file whose first bytes look like nothing in particular (random octets). */
const file = Uint8Array.from({ length: 3000 }, (_, i) => (i * 2654435761) >>> 24);

const flowsOf = (records: ReturnType<typeof tcpConversation>): FlowFinding[] => {
  const engine = createEngine();
  for (const r of records.sort((a, b) => a.ts - b.ts)) engine.push(r);
  return splitFindings(engine.flush()).flows;
};

describe('expected flows (FTP data connections)', () => {
  it('labels the data connection a control connection announced, from the expected client only, once', () => {
    const start = 1_700_000_000_000;
    const records = [
      ...tcpConversation(control, session(40001), { start }),
      // The announced connection, from the FTP client: the file comes back on it.
      ...tcpConversation(
        { ...control, clientPort: 40101, serverPort: 40001 },
        [{ from: 'server', data: file }],
        {
          start: start + 1_000,
        },
      ),
      // Another host trying the same port first would not take the label (nor use it up); a second connection
      // from the client after the first used it gets none either.
      ...tcpConversation(
        { client: '10.0.0.66', server: '10.0.0.9', clientPort: 50000, serverPort: 40001 },
        [{ from: 'server', data: file }],
        { start: start + 500 },
      ),
      ...tcpConversation(
        { ...control, clientPort: 40102, serverPort: 40001 },
        [{ from: 'server', data: file }],
        {
          start: start + 2_000,
        },
      ),
    ];
    const byClient = Object.fromEntries(
      flowsOf(records).map((f) => [`${f.client.ip}:${f.client.port}`, f.protocol]),
    );
    expect(byClient).toEqual({
      '10.0.0.5:40100': 'ftp',
      '10.0.0.5:40101': 'ftp-data',
      '10.0.0.66:50000': 'unknown',
      '10.0.0.5:40102': 'unknown',
    });
  });

  it('labels a data connection announced past the summary bound (a long session), with no observer at all', () => {
    const start = 1_700_000_000_000;
    // 8,000 NOOPs: 48 KB of commands and 112 KB of replies before the PORT, past the 32 KiB summary bound both ways.
    const noops: Message[] = Array.from({ length: 16_000 }, (_, i) => ({
      from: i % 2 === 0 ? 'client' : 'server',
      data: i % 2 === 0 ? 'NOOP\r\n' : '200 NOOP ok.\r\n',
    }));
    const records = [
      ...tcpConversation(
        control,
        [
          ...session(40001).slice(0, 5),
          ...noops,
          { from: 'client', data: 'PORT 10,0,0,5,195,81\r\n' },
          { from: 'server', data: '200 PORT command successful.\r\n' },
          { from: 'client', data: 'RETR late.bin\r\n' },
        ],
        { start },
      ),
      // Active mode: the server connects back to the client's port 50001 (195 * 256 + 81).
      ...tcpConversation(
        { client: control.server, server: control.client, clientPort: 20, serverPort: 50001 },
        [{ from: 'client', data: file }],
        { start: start + 20_000 },
      ),
    ];
    const data = flowsOf(records).find((f) => f.server.port === 50001);
    expect(data?.protocol).toBe('ftp-data');
  });

  it('forgets announcements after two minutes and holds at most 256', () => {
    const expected = createExpectedFlows();
    const ends = { client: { ip: '10.0.0.5', port: 1 }, server: { ip: '10.0.0.9', port: 21 } };
    const announce = (port: number, ts: number): ExpectedFlowEvent => ({
      kind: 'expected-flow',
      ts,
      direction: 'to-client',
      protocol: 'ftp-data',
      listener: 'server',
      port,
    });
    const data = (port: number) => ({
      ...ends,
      server: { ip: '10.0.0.9', port },
      transport: 'tcp' as const,
      orientation: 'syn' as const,
    });
    expected.add(ends, announce(40001, 0));
    expect(expected.take(data(40001), 120_001)).toBeUndefined();
    for (let port = 30000; port < 30300; port++) expected.add(ends, announce(port, 0));
    expect(expected.size).toBe(256);
    expect(expected.take(data(30000), 1)).toBeUndefined();
    expect(expected.take(data(30299), 1)).toEqual({ protocol: 'ftp-data', reversed: false });
  });

  it('matches an announcement to a flow of its transport only (a SOCKS UDP relay and a TCP listener may share a port)', () => {
    const expected = createExpectedFlows();
    const ends = { client: { ip: '10.0.0.5', port: 40000 }, server: { ip: '10.0.0.9', port: 1080 } };
    const relay: ExpectedFlowEvent = {
      kind: 'expected-flow',
      ts: 0,
      direction: 'to-client',
      protocol: 'socks',
      listener: 'server',
      port: 40500,
      transport: 'udp',
    };
    expected.add(ends, relay);
    const flow = (transport: 'tcp' | 'udp') => ({
      ...ends,
      server: { ip: '10.0.0.9', port: 40500 },
      transport,
      orientation: 'port-heuristic' as const,
    });
    expect(expected.take(flow('tcp'), 1)).toBeUndefined();
    expect(expected.take(flow('udp'), 1)).toEqual({ protocol: 'socks', reversed: false });
    expect(expected.take(flow('udp'), 2)).toBeUndefined();
  });

  it('matches a flow whose guessed ends are the wrong way round, and says so; never one oriented by its handshake', () => {
    const expected = createExpectedFlows();
    const ends = { client: { ip: '10.0.0.5', port: 40000 }, server: { ip: '10.0.0.9', port: 1080 } };
    const relay: ExpectedFlowEvent = {
      kind: 'expected-flow',
      ts: 0,
      direction: 'to-client',
      protocol: 'socks',
      listener: 'server',
      port: 40500,
      transport: 'udp',
    };
    // The client's port 20000 below the relay's 40500: the ports made the relay the client.
    const backwards = (orientation: 'port-heuristic' | 'syn', opener = '10.0.0.5') => ({
      client: { ip: '10.0.0.9', port: 40500 },
      server: { ip: opener, port: 20000 },
      transport: 'udp' as const,
      orientation,
    });
    expected.add(ends, relay);
    expect(expected.take(backwards('syn'), 1)).toBeUndefined();
    expect(expected.take(backwards('port-heuristic', '10.0.0.66'), 1)).toBeUndefined();
    expect(expected.take(backwards('port-heuristic'), 1)).toEqual({ protocol: 'socks', reversed: true });
    expect(expected.take(backwards('port-heuristic'), 2)).toBeUndefined();
  });
});
