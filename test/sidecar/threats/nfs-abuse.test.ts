/**
 * nfs-abuse on what the ONC RPC parser tells from real bytes (onc-rpc-messages.ts: libnfs, showmount and rpcinfo
 * against rpcbind and nfs-ganesha), and on NIS and CALLIT calls built from yp.x and RFC 1833 (onc-rpc-builder.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { oncRpc } from '#sidecar/protocols/onc-rpc.ts';
import { nfsAbuse } from '#sidecar/threats/nfs-abuse.ts';
import { normalPath, sensitivePath } from '#sidecar/threats/nfs-abuse-judges.ts';
import {
  authNone,
  authSys,
  compound,
  compoundReply,
  nfsOp,
  rpcCall,
  rpcReply,
  word,
  xdrString,
} from '#test/fixtures/protocols/onc-rpc-builder.ts';
import * as real from '#test/fixtures/protocols/onc-rpc-messages.ts';
import { concat, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const mountdFlow = flow({ protocol: 'onc-rpc', server: { ip: '10.0.0.9', port: 5433 } });

const events = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = oncRpc.createParser();
  return segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i));
};

const judged = (segments: readonly Segment[], config: Record<string, unknown> = {}) =>
  runThreat(nfsAbuse, events(segments), { flow: mountdFlow, config }).map((h) => [h.severity, h.evidence]);

const mnt = (xid: number, path: string, uid = 1000): Segment => [
  'to-server',
  rpcCall(xid, [100005, 3, 1], authSys(uid, uid, 'pod'), xdrString(path)),
];
const mntOk = (xid: number): Segment => [
  'to-client',
  rpcReply(xid, 0, concat(word(0), xdrString('fh'), word(1, 1))),
];

describe('nfs-abuse', () => {
  it("reports libnfs's calls claiming uid 0 high, once per flow, and says why", () => {
    expect(judged(real.libnfsRootMount)).toEqual([
      [
        'high',
        'An RPC client at 10.0.0.5 claimed uid 0 (AUTH_SYS, machine "libnfs") calling mount MNT on 10.0.0.9:5433: NFS believes the uid a client writes, so it acts as root wherever the export does not squash root',
      ],
    ]);
    expect(judged(real.libnfsRootNfs3).map(([s]) => s)).toEqual(['high']);
  });

  it('leaves an ordinary read alone: uid 1000 mounting, listing the export it mounted, reading (v3 and v4)', () => {
    for (const flowSegments of [
      real.libnfsUserMount,
      real.libnfsUserRead,
      real.libnfsV4Read,
      real.rpcinfoUdp,
    ])
      expect(judged(flowSegments)).toEqual([]);
    // portmap GETPORT and NULL with uid 0 claim nothing of NFS's.
    expect(judged(real.libnfsRootPortmap)).toEqual([]);
  });

  it('reports a mount of / high when refused, critical when granted', () => {
    expect(judged(real.libnfsSlashMount)).toEqual([
      ['high', 'An RPC client at 10.0.0.5 asked mountd to mount / (under /) on 10.0.0.9:5433'],
    ]);
    const granted = judged([mnt(5, '/var/lib/kubelet/pods'), mntOk(5)]);
    expect(granted.map(([s]) => s)).toEqual(['high', 'critical']);
    expect(granted[1]?.[1]).toBe(
      'An RPC client at 10.0.0.5 mounted /var/lib/kubelet/pods (MNT3_OK) on 10.0.0.9:5433: mountd handed over its file handle',
    );
    expect(judged([mnt(6, '/srv/../etc/'), mntOk(6)]).map(([s]) => s)).toEqual(['high', 'critical']);
    // One finding per flow keeps the surer hit's story: the mount granted outranks the same mount asked for as root.
    const hits = runThreat(nfsAbuse, events([mnt(9, '/', 0), mntOk(9)]), { flow: mountdFlow });
    expect(hits.map((h) => [h.severity, h.confidence])).toEqual([
      ['high', 0.9],
      ['high', 0.93],
      ['critical', 1],
    ]);
    expect(judged([mnt(7, '/srv/nfs'), mntOk(7), mnt(8, '/etcetera'), mntOk(8)])).toEqual([]);
  });

  it('judges the paths NFS v4 walks as mounts: high when asked, critical when each component is granted', () => {
    expect(judged(real.libnfsV4Kubelet)).toEqual([
      [
        'high',
        'An RPC client at 10.0.0.5 walked NFS v4 to /var/lib/kubelet (under /var/lib/kubelet; nfs4 COMPOUND PUTROOTFH,LOOKUP,LOOKUP,LOOKUP,GETATTR,GETFH) on 10.0.0.9:5433',
      ],
      [
        'critical',
        'An RPC client at 10.0.0.5 reached /var/lib/kubelet over NFS v4 (under /var/lib/kubelet; NFS4_OK for each component, nfs4 COMPOUND NFS4_OK) on 10.0.0.9:5433: the server handed over its file handle',
      ],
    ]);
    // uid 0 claimed, /etc walked and granted; the OPEN of shadow refused comes after, on the same flow.
    expect(judged(real.libnfsV4Shadow).map(([sev, e]) => [sev, e?.split(' (')[0]])).toEqual([
      ['high', 'An RPC client at 10.0.0.5 claimed uid 0'],
      ['high', 'An RPC client at 10.0.0.5 walked NFS v4 to /etc'],
      ['critical', 'An RPC client at 10.0.0.5 reached /etc over NFS v4'],
    ]);
    expect(judged(real.libnfsV4Kubelet, { sensitivePaths: ['/var/lib/kubelet/pods'] })).toEqual([]);
  });

  it('leaves NFS v4 alone at the pseudo-root, under a handle not known and where the path is refused', () => {
    const v4 = (xid: number, ...ops: Uint8Array[]): Segment => [
      'to-server',
      rpcCall(xid, [100003, 4, 1], authSys(1000, 1000, 'pod'), compound(...ops)),
    ];
    const put = nfsOp(22, xdrString('fh'));
    expect(
      judged([v4(1, nfsOp(24), nfsOp(15, xdrString('..'))), v4(2, put, nfsOp(15, xdrString('etc')))]),
    ).toEqual([]);
    const refused = [
      v4(3, nfsOp(24), nfsOp(15, xdrString('etc'))),
      ['to-client', rpcReply(3, 0, compoundReply(13, word(24, 0), word(15, 13)))] as Segment,
    ];
    expect(judged(refused).map(([sev]) => sev)).toEqual(['high']);
  });

  it('reports enumeration medium: rpcbind DUMP, showmount -e (with its uid 0), mountd DUMP', () => {
    expect(judged(real.rpcinfoDump)).toEqual([
      [
        'medium',
        'An RPC client at 10.0.0.5 listed every RPC program and its port (portmap DUMP) on 10.0.0.9:5433',
      ],
    ]);
    expect(judged(real.showmountExport).map(([sev, e]) => [sev, e?.split(' on ')[0]])).toEqual([
      ['high', 'An RPC client at 10.0.0.5 claimed uid 0 (AUTH_SYS, machine "vm") calling mount EXPORT'],
      ['medium', 'An RPC client at 10.0.0.5 listed the exports and the clients they allow (mount EXPORT)'],
    ]);
    const dump: Segment = ['to-server', rpcCall(3, [100005, 1, 2], authNone)];
    expect(judged([dump, dump]).map(([s]) => s)).toEqual(['medium']);
  });

  it('reports NIS passwd and shadow map reads high and forwarded calls medium', () => {
    const ypAll: Segment = [
      'to-server',
      rpcCall(1, [100004, 2, 8], authNone, concat(xdrString('corp'), xdrString('passwd.byname'))),
    ];
    const ypHosts: Segment = [
      'to-server',
      rpcCall(2, [100004, 2, 8], authNone, concat(xdrString('corp'), xdrString('hosts.byname'))),
    ];
    const callit: Segment = [
      'to-server',
      rpcCall(3, [100000, 2, 5], authNone, concat(word(100005, 3, 1), word(0))),
    ];
    expect(judged([ypHosts, ypAll, callit])).toEqual([
      [
        'high',
        'An RPC client at 10.0.0.5 read the NIS map passwd.byname (ypserv ALL) on 10.0.0.9:5433: its accounts and password hashes',
      ],
      [
        'medium',
        'An RPC client at 10.0.0.5 asked the portmapper to forward a call (portmap CALLIT mount MNT) on 10.0.0.9:5433',
      ],
    ]);
    expect(judged([ypAll], { nisMaps: ['hosts'] })).toEqual([]);
  });

  it('quiets allowed clients except a sensitive mount that succeeded, and follows severities set off', () => {
    const allowed = { allowClients: ['10.0.0.0/24'] };
    expect(judged(real.libnfsRootMount, allowed)).toEqual([]);
    expect(judged(real.rpcinfoDump, allowed)).toEqual([]);
    expect(judged([mnt(5, '/'), mntOk(5)], allowed).map(([s]) => s)).toEqual(['critical']);
    expect(judged(real.rpcinfoDump, { enumerationSeverity: 'off' })).toEqual([]);
    expect(judged([mnt(5, '/'), mntOk(5)], { mountedSeverity: 'off' }).map(([s]) => s)).toEqual(['high']);
  });

  it('never judges what the server sends as a call', () => {
    const fromServer: Segment = [
      'to-client',
      rpcCall(1, [100005, 3, 1], authSys(0, 0, 'srv'), xdrString('/')),
    ];
    expect(judged([fromServer])).toEqual([]);
  });

  it('resolves paths before matching them', () => {
    expect(normalPath('//srv/./a/../../etc/')).toBe('/etc');
    expect(sensitivePath('/etc/kubernetes', ['/etc'])).toBe('/etc');
    expect(sensitivePath('/export', ['/'])).toBeUndefined();
    expect(sensitivePath('/..', ['/'])).toBe('/');
  });
});
