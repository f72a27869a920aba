import { describe, expect, it } from 'vitest';
import { type DecodedPacket, emptyPacket } from '#sidecar/decode/decoded-packet.ts';
import type { Flow } from '#sidecar/flow/flow.ts';
import { flowKey } from '#sidecar/flow/flow-key.ts';
import { defaultFlowLimits, type FlowLimits } from '#sidecar/flow/flow-limits.ts';
import { createFlowTable } from '#sidecar/flow/flow-table.ts';

const syn = 2;
const ack = 16;

const v4 = (text: string): number => text.split('.').reduce((value, part) => value * 256 + Number(part), 0);

/** A decoded IPv4 packet as the decoder leaves it: numeric addresses (the table's fast path) and their text. */
const packet = (o: Partial<DecodedPacket>): DecodedPacket => {
  const p: DecodedPacket = {
    ...emptyPacket(),
    transport: 'tcp',
    protocol: 6,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    srcPort: 50000,
    dstPort: 8080,
    tcpFlags: ack,
    ts: 1000,
    ...o,
  };
  return { ...p, srcV4: v4(p.src), dstV4: v4(p.dst), textReady: true };
};

const table = (limits: Partial<FlowLimits> = {}) => {
  const ended: Flow<number>[] = [];
  let next = 0;
  const t = createFlowTable<number>(
    { create: () => next++, end: (flow) => ended.push(flow) },
    { ...defaultFlowLimits, ...limits },
  );
  return { t, ended };
};

describe('flow key', () => {
  it('is the same for both directions and differs by protocol and port', () => {
    expect(flowKey(6, '10.0.0.1', 1, '10.0.0.2', 2)).toBe(flowKey(6, '10.0.0.2', 2, '10.0.0.1', 1));
    expect(flowKey(6, '10.0.0.1', 1, '10.0.0.2', 2)).not.toBe(flowKey(17, '10.0.0.1', 1, '10.0.0.2', 2));
    expect(flowKey(6, '10.0.0.1', 1, '10.0.0.1', 2)).toBe(flowKey(6, '10.0.0.1', 2, '10.0.0.1', 1));
  });
});

describe('flow orientation', () => {
  const cases: [string, Partial<DecodedPacket>, string, string][] = [
    [
      'SYN: the sender is the client',
      { tcpFlags: syn, srcPort: 8080, dstPort: 50000 },
      '10.0.0.1:8080',
      'syn',
    ],
    ['SYN-ACK: the receiver is the client', { tcpFlags: syn | ack }, '10.0.0.2:8080', 'syn-ack'],
    [
      'no SYN, well-known port faces an ephemeral one',
      { srcPort: 443, dstPort: 51000 },
      '10.0.0.2:51000',
      'port-heuristic',
    ],
    [
      'no SYN, registered port faces an ephemeral one',
      { srcPort: 6379, dstPort: 40000 },
      '10.0.0.2:40000',
      'port-heuristic',
    ],
    [
      'no SYN, no telling ports: first sender',
      { srcPort: 40001, dstPort: 40002 },
      '10.0.0.1:40001',
      'first-packet',
    ],
    [
      'UDP reply seen first',
      { transport: 'udp', protocol: 17, srcPort: 53, dstPort: 33000 },
      '10.0.0.2:33000',
      'port-heuristic',
    ],
    [
      'ICMP echo reply seen first',
      { transport: 'icmp', protocol: 1, srcPort: 0, dstPort: 0, icmpType: 0 },
      '10.0.0.2:0',
      'first-packet',
    ],
  ];
  for (const [name, fields, client, orientation] of cases) {
    it(name, () => {
      const flow = table().t.lookup(packet(fields));
      expect([`${flow.client.ip}:${flow.client.port}`, flow.orientation]).toEqual([client, orientation]);
    });
  }

  it('finds the same flow from the other direction', () => {
    const { t } = table();
    const flow = t.lookup(packet({ tcpFlags: syn }));
    expect(
      t.lookup(
        packet({ src: '10.0.0.2', dst: '10.0.0.1', srcPort: 8080, dstPort: 50000, tcpFlags: syn | ack }),
      ),
    ).toBe(flow);
    expect(t.size).toBe(1);
  });
});

describe('flow table bounds', () => {
  it('evicts the least recently used flow when full and counts evictions', () => {
    const { t, ended } = table({ maxFlows: 3 });
    const a = t.lookup(packet({ srcPort: 50001 }));
    t.lookup(packet({ srcPort: 50002 }));
    t.lookup(packet({ srcPort: 50003 }));
    t.lookup(packet({ srcPort: 50001 }));
    t.lookup(packet({ srcPort: 50004 }));
    expect(ended.map((f) => [f.client.port, f.endReason])).toEqual([[50002, 'evicted']]);
    expect(t.lookup(packet({ srcPort: 50001 }))).toBe(a);
    expect([t.size, t.evictions, t.created]).toEqual([3, 1, 4]);
  });

  it('never holds more than maxFlows however many flows come', () => {
    const { t } = table({ maxFlows: 50 });
    for (let i = 0; i < 5000; i++) {
      t.lookup(packet({ srcPort: 1024 + (i % 3000), src: `10.0.${i % 7}.1` }));
      expect(t.size).toBeLessThanOrEqual(50);
    }
  });

  it('ends flows idle past their transport limit, and closed flows after the linger', () => {
    const { t, ended } = table({ idleTcpMs: 100, idleUdpMs: 50, closedLingerMs: 10 });
    t.lookup(packet({ srcPort: 50001, ts: 0 }));
    t.lookup(packet({ srcPort: 50002, ts: 0, transport: 'udp', protocol: 17 }));
    const closed = t.lookup(packet({ srcPort: 50003, ts: 0 }));
    closed.closed = true;
    t.lookup(packet({ srcPort: 50004, ts: 90 }));
    t.expire(60);
    expect(ended.map((f) => [f.client.port, f.endReason])).toEqual([
      [50002, 'idle'],
      [50003, 'closed'],
    ]);
    t.expire(150);
    expect(ended.map((f) => f.client.port)).toEqual([50002, 50003, 50001]);
    t.endAll('end-of-capture');
    expect(ended.map((f) => [f.client.port, f.endReason]).at(-1)).toEqual([50004, 'end-of-capture']);
  });

  it('restarts a flow that outlives the maximum lifetime, and one reopened by a SYN after closing', () => {
    const { t, ended } = table({ maxLifetimeMs: 1000 });
    const first = t.lookup(packet({ ts: 0 }));
    t.lookup(packet({ ts: 500 }));
    const second = t.lookup(packet({ ts: 1500 }));
    expect(second).not.toBe(first);
    expect(ended.map((f) => f.endReason)).toEqual(['lifetime']);
    second.closed = true;
    const third = t.lookup(packet({ ts: 1600, tcpFlags: syn }));
    expect(third).not.toBe(second);
    expect(ended.map((f) => f.endReason)).toEqual(['lifetime', 'closed']);
  });
});
