/**
 * An NFS v4 COMPOUND's operations (RFC 7530 §16, RFC 5661 §18): its tag, minor version and the operations by name, in
 * order (`PUTROOTFH,LOOKUP,GETFH,GETATTR`), with the path its LOOKUPs and OPEN walk from the root or a handle. Each
 * operation's arguments must be skipped to reach the next: those of the operations clients send on ordinary reads and
 * listings are; past one that is not (CREATE, LOCK, EXCHANGE_ID…) the list ends with `…`. At most 32 operations.
 */
import { shown, type Xdr } from './onc-rpc-xdr.ts';

type Skip = (x: Xdr, walk: string[]) => boolean;

const fixed =
  (n: number): Skip =>
  (x) =>
    x.skip(n);
const bitmap: Skip = (x) => {
  const words = x.u32();
  return words !== undefined && words <= 8 && x.skip(words * 4);
};
const attributes: Skip = (x, walk) => bitmap(x, walk) && x.opaque(65536) !== undefined;
const component: Skip = (x, walk) => {
  const name = x.string(255);
  if (name !== undefined && walk.length < 16) walk.push(shown(name, 64));
  return name !== undefined;
};

/** A walk restarts at the root (PUTROOTFH) or at a handle not named here (PUTFH: `…`). */
const restart =
  (from: string, handle: boolean): Skip =>
  (x, walk) => {
    walk.splice(0, walk.length, from);
    return !handle || x.opaque(128) !== undefined;
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
  10: ['GETFH', fixed(0)],
  12: ['LOCK', undefined],
  15: ['LOOKUP', component],
  16: ['LOOKUPP', fixed(0)],
  18: ['OPEN', open],
  20: ['OPEN_CONFIRM', fixed(20)],
  22: ['PUTFH', restart('…', true)],
  23: ['PUTPUBFH', fixed(0)],
  24: ['PUTROOTFH', restart('', false)],
  25: ['READ', fixed(28)],
  26: ['READDIR', (x, walk) => x.skip(24) && bitmap(x, walk)],
  27: ['READLINK', fixed(0)],
  28: ['REMOVE', component],
  29: ['RENAME', (x, walk) => component(x, walk) && component(x, walk)],
  30: ['RENEW', fixed(8)],
  31: ['RESTOREFH', fixed(0)],
  32: ['SAVEFH', fixed(0)],
  33: ['SECINFO', component],
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
const operationNames = (x: Xdr, count: number, walk: string[]): string[] => {
  const names: string[] = [];
  for (let i = 0; i < Math.min(count, maxOperations); i++) {
    const op = x.u32();
    if (op === undefined) break;
    const [name, skip] = operations[op] ?? [`op${op}`, undefined];
    names.push(name);
    if (skip === undefined || !skip(x, walk)) {
      if (i + 1 < count) names.push('…');
      break;
    }
  }
  return names;
};

const pathOf = (walk: readonly string[]): string => {
  if (walk.length === 0) return '';
  return ` path ${walk.length === 1 && walk[0] === '' ? '/' : walk.join('/')}`;
};

/** `argument`: the operations joined by commas; `extra`: the minor version and the path walked, when any. */
export const compoundOperations = (x: Xdr): { argument?: string; extra?: string } => {
  const [tag, minor, count] = [x.opaque(1024), x.u32(), x.u32()];
  if (tag === undefined || minor === undefined || count === undefined) return {};
  const walk: string[] = [];
  const names = operationNames(x, count, walk);
  return { argument: names.join(','), extra: `minor ${minor}${pathOf(walk)}` };
};
