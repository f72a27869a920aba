/**
 * The paths NFS v4 COMPOUNDs walk and what their replies grant, told by the onc-rpc parser: from libnfs's real reads
 * (onc-rpc-messages.ts) and from COMPOUNDs built from RFC 7530 §16 (onc-rpc-builder.ts) for what libnfs does not send
 * (LOOKUPP, SAVEFH and RESTOREFH, a refused LOOKUP, a walk deeper than 32 components).
 */
import { describe, expect, it } from 'vitest';
import type { OncRpc, OperationEvent } from '#sidecar/events.ts';
import { oncRpc } from '#sidecar/protocols/onc-rpc.ts';
import {
  authSys,
  compound,
  compoundReply,
  nfsOp,
  record,
  rpcCall,
  rpcReply,
  word,
  xdrString,
} from '#test/fixtures/protocols/onc-rpc-builder.ts';
import * as real from '#test/fixtures/protocols/onc-rpc-messages.ts';
import { feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';

const rpcs = (segments: readonly Segment[]): OncRpc[] =>
  (feed(oncRpc, segments) as OperationEvent[]).flatMap((e) => (e.rpc === undefined ? [] : [e.rpc]));
const walked = (segments: readonly Segment[]) =>
  rpcs(segments)
    .filter((r) => r.paths !== undefined || r.granted !== undefined)
    .map((r) => [r.status === undefined ? 'call' : r.status, r.paths, r.granted]);

const putRoot = nfsOp(24);
const lookup = (name: string) => nfsOp(15, xdrString(name));
const call = (xid: number, ...ops: Uint8Array[]): Segment => [
  'to-server',
  record(rpcCall(xid, [100003, 4, 1], authSys(1000, 1000, 'pod'), compound(...ops))),
];
const answer = (xid: number, status: number, ...results: Uint8Array[]): Segment => [
  'to-client',
  record(rpcReply(xid, 0, compoundReply(status, ...results))),
];
const ok = (op: number) => word(op, 0);

describe('NFS v4 paths', () => {
  it("follows libnfs's walk from the root and through the handles GETFH returned (real bytes)", () => {
    expect(walked(real.libnfsV4Kubelet)).toEqual([
      ['call', ['/var/lib/kubelet'], undefined],
      ['NFS4_OK', ['/var/lib/kubelet'], ['/var/lib/kubelet']],
      ['call', ['/var/lib/kubelet/token'], undefined],
      ['NFS4_OK', ['/var/lib/kubelet/token'], ['/var/lib/kubelet/token']],
    ]);
    // /etc's handle was granted; the OPEN of shadow in it refused (NFS4ERR_ACCES).
    expect(walked(real.libnfsV4Shadow).slice(2)).toEqual([
      ['call', ['/etc/shadow'], undefined],
      ['NFS4ERR_ACCES', ['/etc/shadow'], ['/etc']],
    ]);
  });

  it('keeps every place a COMPOUND reached: LOOKUPP and a new root do not hide it', () => {
    expect(walked([call(1, putRoot, lookup('etc'), nfsOp(16), lookup('srv'), putRoot, lookup('x'))])).toEqual(
      [['call', ['/etc', '/srv', '/x'], undefined]],
    );
    expect(walked([call(2, putRoot, nfsOp(16), nfsOp(16), lookup('a'))])).toEqual([
      ['call', ['/a'], undefined],
    ]);
  });

  it('brings back the place SAVEFH kept at RESTOREFH, and leaves a handle not known unknown', () => {
    const saved = call(3, putRoot, lookup('srv'), nfsOp(32), lookup('a'), nfsOp(31), lookup('b'));
    expect(walked([saved])).toEqual([['call', ['/srv/a', '/srv/b'], undefined]]);
    const unknown = call(4, nfsOp(22, xdrString('\u0001\u0002')), lookup('shadow'), nfsOp(16), nfsOp(16));
    expect(walked([unknown])).toEqual([['call', ['…/shadow'], undefined]]);
  });

  it('grants only the components before the operation that failed', () => {
    const segments = [
      call(5, putRoot, lookup('etc'), lookup('shadow'), nfsOp(9, word(0))),
      answer(5, 2, ok(24), ok(15), word(15, 2)),
    ];
    expect(walked(segments)).toEqual([
      ['call', ['/etc/shadow'], undefined],
      ['NFS4ERR_NOENT', ['/etc/shadow'], ['/etc']],
    ]);
    const refused = [call(6, putRoot, lookup('etc')), answer(6, 13, ok(24), word(15, 13))];
    expect(walked(refused)[1]).toEqual(['NFS4ERR_ACCES', ['/etc'], undefined]);
  });

  it('bounds the walk: 32 operations a COMPOUND, 32 components a place (past them, not known)', () => {
    const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `d${from + i}`);
    const [told] = walked([call(7, putRoot, ...names(40).map(lookup))]);
    expect(told?.[1]).toEqual([`/${names(31).join('/')}`]);
    // A handle 30 components deep, then three more: the place at 32 is kept, the one past it not known.
    const handed = [
      call(8, putRoot, ...names(30).map(lookup), nfsOp(10)),
      answer(8, 0, ok(24), ...names(30).map(() => ok(15)), word(10, 0), xdrString('fh')),
      call(9, nfsOp(22, xdrString('fh')), lookup('x'), lookup('y'), lookup('z')),
    ];
    expect(walked(handed)[2]).toEqual(['call', [`/${[...names(30), 'x', 'y'].join('/')}`], undefined]);
  });
});
