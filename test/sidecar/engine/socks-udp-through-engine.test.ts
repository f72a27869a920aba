/**
 * A SOCKS 5 UDP ASSOCIATE through the whole engine: the reply on the TCP connection announces the relay's flow, whose
 * datagrams are read as SOCKS with DNS inside (the flow names the destination and the query), and threat detection
 * sees the DNS (a DNS tunnel through the relay is still a DNS tunnel). Picked up without the TCP connection, the
 * relay's flow is detected from its datagrams. Before: `unknown`, the DNS unseen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { dnsAnswer, dnsQuery, udpHeader4 } from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { seededRandom } from '#test/helpers/random.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation, udpExchange } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-socks-udp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = 1_700_000_000_000;
const control = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 1080 };
/** The relay the reply names, 10.0.0.2:40500; the client's datagrams come from port 40001. */
const relay = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40001, serverPort: 40500 };
const resolver = [10, 0, 0, 53];

const associate = tcpConversation(
  control,
  [
    { from: 'client', data: hex('050100') },
    { from: 'server', data: hex('0500') },
    { from: 'client', data: hex('0503000100000000 0000') },
    { from: 'server', data: hex('05000001 0a000002 9e34') },
  ],
  { start, close: false },
);

const lookup = (id: number, name: string): Message[] => [
  { from: 'client', data: concat(udpHeader4(resolver, 53), dnsQuery(id, name)) },
  { from: 'server', data: concat(udpHeader4(resolver, 53), dnsAnswer(id, name, [10, 0, 0, 80])) },
];

let n = 0;
const inspect = async (records: PacketRecord[]) => {
  const file = join(dir, `c${n++}.pcap`);
  writeFileSync(file, writePcap(records).bytes);
  const { findings } = await inspectFile(file, { observers: defaultObservers() });
  return splitFindings(findings);
};

const relayFlow = (flows: FlowFinding[]) => flows.find((f) => f.transport === 'udp');

describe('a SOCKS 5 UDP relay through the engine', () => {
  it('reads the announced relay flow as SOCKS: the destination, the DNS inside, its query and answer', async () => {
    const { flows } = await inspect([
      ...associate,
      ...udpExchange(relay, lookup(0x1234, 'shop.example.com'), start + 100),
    ]);
    expect(flows.find((f) => f.transport === 'tcp')?.protocol).toBe('socks');
    expect(relayFlow(flows)).toMatchObject({
      protocol: 'socks',
      confidence: 'dpi',
      l7: {
        operations: ['relay 10.0.0.53:53', 'tunnel dns'],
        dns: {
          queries: [{ name: 'shop.example.com', type: 'A' }],
          rcodes: ['NOERROR'],
          answers: [expect.objectContaining({ name: 'shop.example.com', data: '10.0.0.80' })],
        },
      },
    });
  });

  it('takes the announced flow as SOCKS whatever it carries: its destination named, its data unknown', async () => {
    // A game's datagrams, or anything no detector takes: announced, the flow is the relay's; alone, it is unknown.
    const opaque = udpExchange(
      relay,
      [{ from: 'client', data: concat(udpHeader4([10, 0, 0, 9], 27015), hex('ffffffff54')) }],
      start + 100,
    );
    const announced = relayFlow((await inspect([...associate, ...opaque])).flows);
    expect(announced?.protocol).toBe('socks');
    expect(announced?.l7?.operations).toEqual(['relay 10.0.0.9:27015']);
    expect(relayFlow((await inspect(opaque)).flows)?.protocol).toBe('unknown');
  });

  it('makes the announced relay the server when the ports would make it the client (the client on a low port)', async () => {
    // The client's datagrams from port 20000 to the relay's 40500: the port heuristic alone makes the relay the
    // client, and the announcement, looked up at the relay as the server, was missed (the flow was `unknown`).
    const low = { ...relay, clientPort: 20000 };
    const opaque = [
      { from: 'client' as const, data: concat(udpHeader4([10, 0, 0, 9], 27015), hex('ffffffff54')) },
    ];
    const found = relayFlow((await inspect([...associate, ...udpExchange(low, opaque, start + 100)])).flows);
    expect(found).toMatchObject({
      protocol: 'socks',
      client: { ip: '10.0.0.1', port: 20000 },
      server: { ip: '10.0.0.2', port: 40500 },
      l7: { operations: ['relay 10.0.0.9:27015'] },
    });
    expect(found?.notes ?? []).not.toContain('no handshake seen: client and server guessed from the ports');
    // The relay's answer first (the client's datagram lost): the relay is still the server.
    const answerFirst = relayFlow(
      (
        await inspect([
          ...associate,
          ...udpExchange(low, [{ ...opaque[0], from: 'server' } as Message], start + 100),
        ])
      ).flows,
    );
    expect(answerFirst).toMatchObject({ protocol: 'socks', server: { ip: '10.0.0.2', port: 40500 } });
  });

  it('detects a relay flow picked up without its TCP connection from its datagrams', async () => {
    const { flows } = await inspect(udpExchange(relay, lookup(0x1234, 'shop.example.com'), start));
    expect(flows).toHaveLength(1);
    expect(relayFlow(flows)?.protocol).toBe('socks');
    expect(relayFlow(flows)?.l7?.dns?.queries).toEqual([{ name: 'shop.example.com', type: 'A' }]);
  });

  it('still finds a DNS tunnel when its queries go through the relay', async () => {
    const random = seededRandom(0xd15);
    const label = () =>
      Array.from({ length: 40 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[random.int(36)]).join('');
    const messages = Array.from({ length: 20 }, (_, i) =>
      lookup(0x100 + i, `${label()}.exfil.example.net`),
    ).flat();
    const { threats } = await inspect([...associate, ...udpExchange(relay, messages, start + 100)]);
    const tunnel = threats.find((t) => t.threat === 'dns-tunnel');
    expect(tunnel).toBeDefined();
    expect(tunnel?.protocol).toBe('socks');
  });
});
