/**
 * nfs-uid-hopping on what the ONC RPC parser tells from real bytes (onc-rpc-messages.ts: libnfs's nfs-ls run with
 * `?uid=N` for five uids, one connection each, and its ordinary reads) and on calls built from RFC 5531
 * (onc-rpc-builder.ts) for the windows, thresholds and clients.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { oncRpc } from '#sidecar/protocols/onc-rpc.ts';
import { nfsUidHopping } from '#sidecar/threats/nfs-uid-hopping.ts';
import { authNone, authSys, record, rpcCall } from '#test/fixtures/protocols/onc-rpc-builder.ts';
import * as real from '#test/fixtures/protocols/onc-rpc-messages.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow } from './threat-factories.ts';

/** A connection from `ip` to NFS (2049) and the segments it carried, at `ts` (ms). */
type Connection = { ip?: string; port: number; ts: number; segments: readonly Segment[] };

/** Runs the detector over connections in order with one state, as the runner does for a global detector. */
const judged = (connections: readonly Connection[], config: Record<string, unknown> = {}) => {
  const state = nfsUidHopping.initialState();
  const parsed = nfsUidHopping.config.parse(config);
  return connections.flatMap(({ ip = '10.0.0.5', port, ts, segments }) => {
    const client = { ip, port };
    const on: ObservedFlow = flow({ protocol: 'onc-rpc', client, server: { ip: '10.0.0.9', port: 2049 } });
    const parser = oncRpc.createParser();
    const events: ProtocolEvent[] = segments.flatMap(([d, b]) => parser.parse(b, d, ts));
    return events.flatMap((e) => nfsUidHopping.inspect(e, state, { flow: on, config: parsed }));
  });
};

const nfs3Getattr = (uid: number, procedure = 1): Segment => [
  'to-server',
  record(rpcCall(uid, [100003, 3, procedure], authSys(uid, uid, 'pod'), new Uint8Array(8))),
];
const sweep = (uids: readonly number[], step = 1000, ip?: string): Connection[] =>
  uids.map((uid, i) => ({ port: 700 + i, ts: i * step, segments: [nfs3Getattr(uid)], ...(ip && { ip }) }));
const realSweep: Connection[] = real.libnfsUidSweep.map((segment, i) => ({
  port: 800 + i,
  ts: i,
  segments: [segment],
}));

describe('nfs-uid-hopping', () => {
  it("reports libnfs's uid sweep over five connections high, once, naming the uids", () => {
    const hits = judged(realSweep);
    expect(hits.map((h) => [h.severity, h.evidence])).toEqual([
      [
        'high',
        'An RPC client at 10.0.0.5 sent NFS and mountd calls as 5 distinct AUTH_SYS uids within 60 s (1001, 1002, 1003, 1004, 1005; the last calling nfs4 COMPOUND) to 10.0.0.9:2049: NFS believes the uid a client writes, so it reads and writes as each of those users',
      ],
    ]);
    expect(judged([...realSweep, ...sweep([7, 8, 9, 10, 11, 12])])).toHaveLength(1);
  });

  it('leaves ordinary clients alone: one uid a connection, four uids, five spread past the window', () => {
    const reads = [real.libnfsV4Read, real.libnfsUserRead, real.libnfsUserMount, real.libnfsV4Kubelet];
    expect(judged(reads.map((segments, i) => ({ port: 900 + i, ts: i, segments })))).toEqual([]);
    expect(judged(sweep([1000, 1001, 1002, 0]))).toEqual([]);
    expect(judged(sweep([1000, 1001, 1002, 1003, 1004], 16_000))).toEqual([]);
    // The same uid again and again is one uid; AUTH_NONE has none.
    expect(judged(sweep([1000, 1000, 1000, 1000, 1000, 1000]))).toEqual([]);
    const none: Segment = ['to-server', record(rpcCall(1, [100003, 3, 1], authNone))];
    expect(judged([{ port: 1, ts: 0, segments: [none, none, none, none, none] }])).toEqual([]);
  });

  it('counts each client apart, follows minUids and windowMs, and quiets allowed clients', () => {
    const two = [...sweep([1, 2, 3], 1000, '10.0.0.5'), ...sweep([4, 5, 6], 1000, '10.0.0.6')];
    expect(judged(two)).toEqual([]);
    expect(judged(two, { minUids: 3 }).map((h) => h.client?.ip)).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(judged(sweep([1, 2, 3, 4, 5], 16_000), { windowMs: 120_000 })).toHaveLength(1);
    expect(judged(realSweep, { allowClients: ['10.0.0.0/24'] })).toEqual([]);
    expect(judged(realSweep, { enabled: true, severity: 'medium' }).map((h) => h.severity)).toEqual([
      'medium',
    ]);
  });
});
