/**
 * ONC RPC from real bytes (onc-rpc-messages.ts: rpcbind, nfs-ganesha, rpcinfo, showmount, libnfs) and from messages
 * built field by field where nothing here sends them (onc-rpc-builder.ts: NIS, CALLIT): detection, the events, every
 * split, records past 64 KiB and in fragments, and random bytes.
 */
import { describe, expect, it } from 'vitest';
import { detectProtocol } from '#sidecar/engine/detect-protocol.ts';
import type { OperationEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import { oncRpc } from '#sidecar/protocols/onc-rpc.ts';
import {
  authNone,
  authSys,
  record,
  rpcCall,
  rpcReply,
  word,
  xdrString,
} from '#test/fixtures/protocols/onc-rpc-builder.ts';
import * as real from '#test/fixtures/protocols/onc-rpc-messages.ts';
import {
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';

const flows: [string, Segment[]][] = Object.entries(real);
const operations = (segments: readonly Segment[]): string[] =>
  (feed(oncRpc, segments) as OperationEvent[]).map(
    (e) => `${e.operation}${e.detail === undefined ? '' : ` | ${e.detail}`}`,
  );

describe('onc-rpc detection', () => {
  it.each(flows)('matches every message of %s, whole and from its first 16 octets on', (_name, segments) => {
    for (const [direction, bytes] of segments) {
      expect(oncRpc.detect(bytes, direction)).toBe('match');
      // Over TCP a header may come before the rest of its record.
      if (bytes[0] === 0x80) expect(oncRpc.detect(bytes.subarray(0, 44), direction)).not.toBe('no-match');
    }
  });

  it.each(flows.filter(([name]) => name !== 'rpcinfoUdp'))(
    'labels %s onc-rpc among every registered protocol',
    (_name, segments) => {
      expect(engineLabel(segments)).toBe('onc-rpc');
    },
  );

  it("labels each of rpcinfo -u's datagrams onc-rpc among every registered protocol", () => {
    for (const [direction, bytes] of real.rpcinfoUdp) {
      const empty = new Uint8Array(0);
      const verdict = detectProtocol(protocols, {
        transport: 'udp',
        toServer: direction === 'to-server' ? bytes : empty,
        toClient: direction === 'to-client' ? bytes : empty,
        refused: new Uint8Array(protocols.length),
        fullToServer: true,
        fullToClient: true,
      });
      expect(verdict.verdict === 'match' ? protocols[verdict.index]?.id : verdict.verdict).toBe('onc-rpc');
    }
  });

  it('refuses a datagram whose length is not a multiple of four, a wrong rpcvers and an oversized credential', () => {
    const call = rpcCall(7, [100003, 3, 0], authNone);
    expect(oncRpc.detect(call, 'to-server')).toBe('match');
    expect(oncRpc.detect(concat(call, Uint8Array.of(0)), 'to-server')).toBe('no-match');
    expect(oncRpc.detect(rpcCall(7, [100003, 3, 0], word(1, 404), new Uint8Array(404)), 'to-server')).toBe(
      'no-match',
    );
    const v3 = Uint8Array.from(call);
    v3[11] = 3;
    expect(oncRpc.detect(v3, 'to-server')).toBe('no-match');
    // AUTH_SYS whose gid count runs past its body.
    const sys = authSys(0, 0, 'pod');
    sys[sys.length - 1] = 1;
    expect(oncRpc.detect(rpcCall(7, [100003, 3, 1], sys), 'to-server')).toBe('no-match');
    // A failed reply ends at its header.
    expect(oncRpc.detect(rpcReply(7, 1), 'to-client')).toBe('match');
    expect(oncRpc.detect(rpcReply(7, 1, word(0)), 'to-client')).toBe('no-match');
  });

  it('never matches random bytes, and empty or cut input never throws', () => {
    const [direction, bytes] = real.libnfsRootMount[2] as Segment;
    expect(contractCheck(oncRpc, [direction, bytes]).randomMatches).toBe(0);
  });
});

describe('onc-rpc events', () => {
  it('tells rpcinfo -p, showmount -e and rpcinfo -u with the programs and exports their replies list', () => {
    expect(operations(real.rpcinfoDump)[0]).toBe('portmap DUMP | AUTH_NONE');
    expect(operations(real.rpcinfoDump)[1]).toMatch(
      /^portmap DUMP SUCCESS \| portmap v4 tcp 111, .*nfs v3 tcp 5432, mount v1 udp 5433, .*nfs v4 tcp 5432$/,
    );
    expect(operations(real.showmountExport)).toEqual([
      'mount EXPORT | AUTH_SYS uid 0 gid 0 machine vm',
      'mount EXPORT SUCCESS | /tmp/rpcx/export (everyone)',
    ]);
    expect(operations(real.rpcinfoUdp)).toEqual([
      'rpcbind GETADDR nfs | AUTH_NONE v3 udp',
      'rpcbind GETADDR SUCCESS | 127.0.0.1.21.56',
      'nfs3 NULL | AUTH_NONE',
      'nfs3 NULL SUCCESS',
    ]);
  });

  it("tells libnfs's mount and NFS v3 calls with AUTH_SYS's uid, the path, the name and the statuses", () => {
    expect(operations(real.libnfsRootPortmap).slice(2)).toEqual([
      'portmap GETPORT mount | AUTH_SYS uid 0 gid 0 machine libnfs v3 tcp',
      'portmap GETPORT port 5433',
    ]);
    expect(operations(real.libnfsRootMount).slice(2, 4)).toEqual([
      'mount MNT /tmp/rpcx/export | AUTH_SYS uid 0 gid 0 machine libnfs',
      'mount MNT MNT3_OK',
    ]);
    expect(operations(real.libnfsSlashMount).slice(2)).toEqual([
      'mount MNT / | AUTH_SYS uid 1000 gid 0 machine libnfs',
      'mount MNT MNT3ERR_ACCES',
    ]);
    const read = operations(real.libnfsUserRead);
    expect(read).toContain('nfs3 LOOKUP hello.txt | AUTH_SYS uid 1000 gid 1000 machine libnfs');
    expect(read.slice(-2)).toEqual([
      'nfs3 READ | AUTH_SYS uid 1000 gid 1000 machine libnfs',
      'nfs3 READ NFS3_OK',
    ]);
  });

  it("names an NFS v4 COMPOUND's operations and the path its LOOKUPs walk", () => {
    const ops = operations(real.libnfsV4Read).filter((op) => op.includes('| AUTH_SYS'));
    expect(ops).toEqual([
      'nfs4 NULL | AUTH_SYS uid 1000 gid 0 machine libnfs',
      'nfs4 COMPOUND SETCLIENTID | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0',
      'nfs4 COMPOUND SETCLIENTID_CONFIRM | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0',
      'nfs4 COMPOUND PUTROOTFH,LOOKUP,GETATTR,GETFH | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path /export',
      'nfs4 COMPOUND PUTFH,GETATTR,ACCESS,OPEN,GETFH | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path /export/hello.txt',
      'nfs4 COMPOUND PUTFH,OPEN_CONFIRM | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path /export/hello.txt',
      'nfs4 COMPOUND PUTFH,GETATTR | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path /export/hello.txt',
      'nfs4 COMPOUND PUTFH,READ | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path /export/hello.txt',
      'nfs4 COMPOUND PUTFH,CLOSE | AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path /export/hello.txt',
    ]);
    // A handle this connection was not handed is a place not known.
    const fresh = feed(oncRpc, real.libnfsV4Read.slice(8)) as OperationEvent[];
    expect(fresh[0]?.detail).toBe('AUTH_SYS uid 1000 gid 0 machine libnfs minor 0 path …/hello.txt');
    expect(operations(real.libnfsV4Read)).toContain('nfs4 COMPOUND NFS4_OK');
  });

  it('pairs a reply with its call by xid, carrying the call on the reply', () => {
    const events = feed(oncRpc, real.libnfsSlashMount) as OperationEvent[];
    expect(events[3]?.rpc).toEqual({
      program: 100005,
      version: 3,
      procedure: 1,
      name: 'mount MNT',
      argument: '/',
      flavor: 1,
      uid: 1000,
      gid: 0,
      machine: 'libnfs',
      status: 'MNT3ERR_ACCES',
      ok: false,
    });
    // A reply whose call was not seen is told by its status alone.
    expect(operations([real.libnfsSlashMount[3] as Segment])).toEqual(['reply SUCCESS']);
  });

  it('tells NIS map reads and calls forwarded through the portmapper (built from yp.x and RFC 1833)', () => {
    const match = rpcCall(
      9,
      [100004, 2, 3],
      authSys(0, 0, 'pod'),
      concat(xdrString('corp'), xdrString('passwd.byname'), xdrString('root')),
    );
    const all = rpcCall(10, [100004, 2, 8], authNone, concat(xdrString('corp'), xdrString('shadow.byname')));
    const callit = rpcCall(11, [100000, 2, 5], authNone, concat(word(100005, 3, 5), word(0)));
    const indirect = rpcCall(12, [100000, 4, 10], authNone, concat(word(100003, 3, 0), word(0)));
    expect(
      operations([
        ['to-server', match],
        ['to-client', rpcReply(9, 0, concat(word(1), xdrString('root:x:0:0::/root:/bin/sh')))],
        ['to-server', all],
        ['to-server', callit],
        ['to-server', indirect],
      ]),
    ).toEqual([
      'ypserv MATCH passwd.byname | AUTH_SYS uid 0 gid 0 machine pod domain corp key root',
      'ypserv MATCH YP_TRUE',
      'ypserv ALL shadow.byname | AUTH_NONE domain corp',
      'portmap CALLIT mount EXPORT | AUTH_NONE',
      'rpcbind INDIRECT nfs3 NULL | AUTH_NONE',
    ]);
  });
});

describe('onc-rpc framing', () => {
  it.each(flows)('gives the same events for %s at every split and byte by byte', (_name, segments) => {
    if ((segments[0]?.[1][0] ?? 0) < 0x80) return; // datagrams are never split
    expect(everySplitAgrees(oncRpc, segments).mismatch).toBeUndefined();
    expect(feedByteByByte(oncRpc, segments)).toEqual(feed(oncRpc, segments));
  });

  it('reads a record past 64 KiB to its header and the next record after it', () => {
    const write = rpcCall(20, [100003, 3, 7], authSys(1000, 1000, 'pod'), new Uint8Array(200_000));
    const after = rpcCall(21, [100003, 3, 0], authNone);
    expect(operations([['to-server', concat(record(write), record(after))]])).toEqual([
      'nfs3 WRITE | AUTH_SYS uid 1000 gid 1000 machine pod',
      'nfs3 NULL | AUTH_NONE',
    ]);
  });

  it('reads the header from a record in fragments and skips the later fragments', () => {
    const call = rpcCall(30, [100005, 3, 1], authNone, xdrString('/etc'));
    const fragments = concat(
      record(call.subarray(0, 48), false),
      record(call.subarray(48)),
      record(rpcCall(31, [100005, 3, 0], authNone)),
    );
    expect(operations([['to-server', fragments]])).toEqual([
      'mount MNT /etc | AUTH_NONE',
      'mount NULL | AUTH_NONE',
    ]);
  });

  it('forgets the oldest of more than 128 calls waiting', () => {
    const calls: Segment[] = Array.from({ length: 130 }, (_, i) => [
      'to-server',
      record(rpcCall(i, [100003, 3, 0], authNone)),
    ]);
    const told = operations([
      ...calls,
      ['to-client', record(rpcReply(0))],
      ['to-client', record(rpcReply(129))],
    ]);
    expect(told.slice(-2)).toEqual(['reply SUCCESS', 'nfs3 NULL SUCCESS']);
  });
});
