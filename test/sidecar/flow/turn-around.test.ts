import { describe, expect, it } from 'vitest';
import { type DecodedPacket, emptyPacket } from '#sidecar/decode/decoded-packet.ts';
import { createFlowTable } from '#sidecar/flow/flow-table.ts';
import { turnAround } from '#sidecar/flow/turn-around.ts';

const v4 = (text: string): number => text.split('.').reduce((value, part) => value * 256 + Number(part), 0);

/** A UDP datagram from 10.0.0.1:20000 to the relay 10.0.0.2:40500, or back. */
const datagram = (back: boolean): DecodedPacket => {
  const [src, dst, srcPort, dstPort] = back
    ? ['10.0.0.2', '10.0.0.1', 40500, 20000]
    : ['10.0.0.1', '10.0.0.2', 20000, 40500];
  return {
    ...emptyPacket(),
    transport: 'udp',
    protocol: 17,
    src,
    dst,
    srcPort,
    dstPort,
    ts: 1000,
    srcV4: v4(src),
    dstV4: v4(dst),
    textReady: true,
  };
};

describe('turnAround', () => {
  it('makes the guessed client the server at creation; every packet after takes the turned direction', () => {
    const t = createFlowTable<undefined>({
      create: (flow) => {
        turnAround(flow);
        return undefined;
      },
      end: () => undefined,
    });
    const flow = t.lookup(datagram(false));
    // The ports alone made 10.0.0.2:40500 the client; turned round, the first datagram goes to the server.
    expect([flow.client, flow.server, flow.orientation]).toEqual([
      { ip: '10.0.0.1', port: 20000 },
      { ip: '10.0.0.2', port: 40500 },
      'announced',
    ]);
    expect(t.toServer).toBe(true);
    // Found again through the table's fast path (numeric addresses) and its slow path (the key), both ways.
    expect([t.lookup(datagram(true)) === flow, t.toServer]).toEqual([true, false]);
    expect([t.lookup(datagram(false)) === flow, t.toServer]).toEqual([true, true]);
    expect([t.find(17, '10.0.0.2', 40500, '10.0.0.1', 20000, 0) === flow, t.size]).toEqual([true, 1]);
  });
});
