/**
 * The path an NFS v4 COMPOUND walks (RFC 7530 §16): its current filehandle as components from the root (PUTROOTFH) or
 * from a handle this connection was handed before (GETFH, remembered by onc-rpc-nfs4-results.ts), otherwise from a
 * handle not known (`…`); LOOKUP and OPEN's name step down, LOOKUPP up, SAVEFH and RESTOREFH keep and bring back one.
 * Each component remembers the operation that named it, so the reply's count of results tells which were granted.
 * Every path the walk reached before it turned back or restarted is kept (a peak), so a COMPOUND cannot hide `/etc` by
 * walking on. Bounded: 32 components, 8 peaks, 64 handles a connection.
 */

/** A filehandle's place: its components and the operation that named each (-1: known before this COMPOUND). */
export type Place = { rooted: boolean; parts: string[]; ops: number[] };

export type Walk = {
  /** The operation being read (its index in the COMPOUND). */
  op: number;
  current: Place | undefined;
  saved: Place | undefined;
  /** Whether the current place grew since it was last kept. */
  grown: boolean;
  peaks: Place[];
  /** GETFH operations by index and the place whose handle each returns. */
  handles: Map<number, Place>;
  known: HandleMap;
};

/** The places of the handles a connection's server returned (GETFH), keyed by the handle's octets; 64, oldest out. */
export type HandleMap = Map<string, Place>;

const maxParts = 32;
const maxPeaks = 8;
const maxHandles = 64;

const copy = (place: Place): Place => ({
  rooted: place.rooted,
  parts: [...place.parts],
  ops: [...place.ops],
});

export const startWalk = (known: HandleMap): Walk => ({
  op: 0,
  current: undefined,
  saved: undefined,
  grown: false,
  peaks: [],
  handles: new Map(),
  known,
});

/** Keeps the current place when it grew since it was last kept. */
export const keepPeak = (walk: Walk): void => {
  if (walk.grown && walk.current !== undefined && walk.peaks.length < maxPeaks)
    walk.peaks.push(copy(walk.current));
  walk.grown = false;
};

/** PUTROOTFH (`handle` undefined), PUTFH of `handle` (its place when known), PUTPUBFH (`handle` null). */
export const restartAt = (walk: Walk, handle: string | undefined | null): void => {
  keepPeak(walk);
  const known = typeof handle === 'string' ? walk.known.get(handle) : undefined;
  if (handle === undefined) walk.current = { rooted: true, parts: [], ops: [] };
  else walk.current = known === undefined ? { rooted: false, parts: [], ops: [] } : copy(known);
};

/** LOOKUP or OPEN's name: one component down (past 32 the place is no longer known). */
export const stepDown = (walk: Walk, name: string): void => {
  const place = walk.current;
  if (place === undefined) return;
  if (place.parts.length >= maxParts) {
    keepPeak(walk);
    walk.current = undefined;
  } else {
    place.parts.push(name);
    place.ops.push(walk.op);
    walk.grown = true;
  }
};

/** LOOKUPP: one component up, the root's parent being the root. */
export const stepUp = (walk: Walk): void => {
  keepPeak(walk);
  const place = walk.current;
  if (place === undefined) return;
  if (place.parts.length > 0) {
    place.parts.pop();
    place.ops.pop();
  } else if (!place.rooted) walk.current = undefined;
};

export const save = (walk: Walk): void => {
  walk.saved = walk.current === undefined ? undefined : copy(walk.current);
};

export const restore = (walk: Walk): void => {
  keepPeak(walk);
  walk.current = walk.saved === undefined ? undefined : copy(walk.saved);
};

/** GETFH: the handle the reply returns at this operation is the current place's. */
export const handOut = (walk: Walk): void => {
  if (walk.current !== undefined) walk.handles.set(walk.op, copy(walk.current));
};

/** Remembers `handle`'s place for this connection's later COMPOUNDs (64 at most, the oldest forgotten). */
export const remember = (known: HandleMap, handle: string, place: Place): void => {
  if (!known.has(handle) && known.size >= maxHandles) known.delete(known.keys().next().value ?? '');
  known.set(handle, place);
};

/** A place as a path: `/var/lib/kubelet` from the root, `…/hello.txt` from a handle not known. */
export const pathText = (place: Place, upTo = place.parts.length): string => {
  const parts = place.parts.slice(0, upTo).join('/');
  return place.rooted ? `/${parts}` : parts === '' ? '…' : `…/${parts}`;
};

/** How many of `place`'s components the server granted, when the first `done` operations succeeded. */
export const grantedParts = (place: Place, done: number): number => {
  let n = 0;
  while (n < place.ops.length && (place.ops[n] ?? 0) < done) n++;
  return n;
};
