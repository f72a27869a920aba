/**
 * An NFS v4 COMPOUND's operations (RFC 7530 §16, RFC 5661 §18): its tag, minor version and the operations by name, in
 * order (`PUTROOTFH,LOOKUP,GETFH,GETATTR`), with the paths its LOOKUPs, LOOKUPPs and OPEN walk from the root or a
 * handle (onc-rpc-nfs4-walk.ts). Each operation's arguments must be skipped to reach the next: those of the operations
 * clients send on ordinary reads and listings are; past one that is not (CREATE, LOCK, EXCHANGE_ID…) the list ends
 * with `…`. At most 32 operations.
 */
import {
  type HandleMap,
  handOut,
  keepPeak,
  type Place,
  pathText,
  restartAt,
  restore,
  save,
  startWalk,
  stepDown,
  stepUp,
  type Walk,
} from './onc-rpc-nfs4-walk.ts';
import { shown, type Xdr } from './onc-rpc-xdr.ts';
import { latin1 } from './wire-bytes.ts';

type Skip = (x: Xdr, walk: Walk) => boolean;

const fixed =
  (n: number): Skip =>
  (x) =>
    x.skip(n);
const bitmap: Skip = (x) => {
  const words = x.u32();
  return words !== undefined && words <= 8 && x.skip(words * 4);
};
const attributes: Skip = (x, walk) => bitmap(x, walk) && x.opaque(65536) !== undefined;
/** A component4 that names an object without moving the current filehandle (REMOVE, RENAME, SECINFO). */
const nameOnly: Skip = (x) => x.string(255) !== undefined;
/** A component4 the current filehandle moves to (LOOKUP, OPEN's claim). */
const component: Skip = (x, walk) => {
  const named = x.string(255);
  if (named !== undefined) stepDown(walk, shown(named, 255));
  return named !== undefined;
};
const act =
  (step: (walk: Walk) => void): Skip =>
  (_x, walk) => {
    step(walk);
    return true;
  };
/** PUTFH: its handle (at most 128 octets, RFC 7530 §2.2), known or not. */
const putHandle: Skip = (x, walk) => {
  const handle = x.opaque(128);
  if (handle !== undefined) restartAt(walk, latin1(handle));
  return handle !== undefined;
};

/** OPEN4args: seqid, share access and deny, owner, how it opens (no create only) and its claim. */
const open: Skip = (x, walk) => {
  if (!x.skip(20) || x.opaque(1024) === undefined) return false;
  const how = x.u32();
  if (how !== 0) return false;
  const claim = x.u32();
  if (claim === 0 || claim === 3) return component(x, walk);
  if (claim === 2) return x.skip(16) && component(x, walk);
  if (claim === 1) return x.skip(4);
  return claim === 6 ? x.skip(16) : claim === 4 || claim === 5;
};

/** Operations by number: name and how to step over its arguments (undefined: not stepped over). */
const operations: Record<number, readonly [string, Skip | undefined]> = {
  3: ['ACCESS', fixed(4)],
  4: ['CLOSE', fixed(20)],
  5: ['COMMIT', fixed(12)],
  6: ['CREATE', undefined],
  8: ['DELEGRETURN', fixed(16)],
  9: ['GETATTR', bitmap],
  10: ['GETFH', act(handOut)],
  12: ['LOCK', undefined],
  15: ['LOOKUP', component],
  16: ['LOOKUPP', act(stepUp)],
  18: ['OPEN', open],
  20: ['OPEN_CONFIRM', fixed(20)],
  22: ['PUTFH', putHandle],
  23: ['PUTPUBFH', act((walk) => restartAt(walk, null))],
  24: ['PUTROOTFH', act((walk) => restartAt(walk, undefined))],
  25: ['READ', fixed(28)],
  26: ['READDIR', (x, walk) => x.skip(24) && bitmap(x, walk)],
  27: ['READLINK', fixed(0)],
  28: ['REMOVE', nameOnly],
  29: ['RENAME', (x, walk) => nameOnly(x, walk) && nameOnly(x, walk)],
  30: ['RENEW', fixed(8)],
  31: ['RESTOREFH', act(restore)],
  32: ['SAVEFH', act(save)],
  33: ['SECINFO', nameOnly],
  34: ['SETATTR', (x, walk) => x.skip(16) && attributes(x, walk)],
  35: ['SETCLIENTID', undefined],
  36: ['SETCLIENTID_CONFIRM', fixed(16)],
  38: ['WRITE', (x) => x.skip(28) && x.opaque(1 << 24) !== undefined],
  42: ['EXCHANGE_ID', undefined],
  43: ['CREATE_SESSION', undefined],
  44: ['DESTROY_SESSION', fixed(16)],
  52: ['SECINFO_NO_NAME', fixed(4)],
  53: ['SEQUENCE', fixed(32)],
  57: ['DESTROY_CLIENTID', fixed(8)],
  58: ['RECLAIM_COMPLETE', fixed(4)],
};

const maxOperations = 32;

/** The operations' names in order, stepping over each one's arguments; `…` when one cannot be stepped over. */
const operationNames = (x: Xdr, count: number, walk: Walk): string[] => {
  const names: string[] = [];
  for (let i = 0; i < Math.min(count, maxOperations); i++) {
    const op = x.u32();
    if (op === undefined) break;
    const [label, skip] = operations[op] ?? [`op${op}`, undefined];
    names.push(label);
    walk.op = i;
    if (skip === undefined || !skip(x, walk)) {
      if (i + 1 < count) names.push('…');
      break;
    }
  }
  return names;
};

/** What the reply to a COMPOUND is read with: the places its walk reached and those whose handles GETFH returns. */
export type Compound = { peaks: Place[]; handles: Map<number, Place> };

export type CompoundArguments = { argument?: string; extra?: string; paths?: string[]; compound?: Compound };

/**
 * `argument`: the operations joined by commas; `extra`: the minor version and where the walk ended, when it was
 * anywhere; `paths`: every place it reached (its peaks); `compound`: what the reply is read with.
 */
export const compoundOperations = (x: Xdr, known: HandleMap): CompoundArguments => {
  const [tag, minor, count] = [x.opaque(1024), x.u32(), x.u32()];
  if (tag === undefined || minor === undefined || count === undefined) return {};
  const walk = startWalk(known);
  const names = operationNames(x, count, walk);
  const end = walk.current;
  keepPeak(walk);
  const told: CompoundArguments = {
    argument: names.join(','),
    extra: `minor ${minor}${end === undefined ? '' : ` path ${shown(pathText(end), 1024)}`}`,
  };
  if (walk.peaks.length > 0) told.paths = walk.peaks.map((place) => shown(pathText(place), 1024));
  if (walk.peaks.length > 0 || walk.handles.size > 0)
    told.compound = { peaks: walk.peaks, handles: walk.handles };
  return told;
};
