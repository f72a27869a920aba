import { describe, expect, it } from 'vitest';
import { tcpSplitHandshake } from '#sidecar/threats/tcp-split-handshake.ts';
import { client, packet, runThreat, server } from './threat-factories.ts';

describe('tcp-split-handshake', () => {
  it('flags a server answering SYN with SYN', () => {
    const hits = runThreat(tcpSplitHandshake, [
      packet({ ts: 1, src: client, dst: server, tcpFlags: 2 }),
      packet({ ts: 2, src: server, dst: client, tcpFlags: 2 }),
    ]);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.client).toEqual(client);
  });

  it('ignores a normal SYN / SYN-ACK / ACK and a late unrelated SYN', () => {
    const normal = [
      packet({ ts: 1, tcpFlags: 2 }),
      packet({ ts: 2, src: server, dst: client, tcpFlags: 18 }),
      packet({ ts: 3, tcpFlags: 16 }),
    ];
    expect(runThreat(tcpSplitHandshake, normal)).toEqual([]);
    expect(
      runThreat(tcpSplitHandshake, [
        packet({ ts: 1, tcpFlags: 2 }),
        packet({ ts: 60_000, src: server, dst: client, tcpFlags: 2 }),
      ]),
    ).toEqual([]);
  });
});
