/**
 * What an NFS v4 COMPOUND's reply (COMPOUND4res, RFC 7530 §16.2.3) says of the paths its call walked: the server
 * evaluates the operations in order and stops at the first that fails, so its count of results and its status tell
 * which operations succeeded, and with them which components of each path it granted (NFS4_OK). The handles GETFH
 * returned are remembered for the connection's later PUTFHs, reading the results before them where their size is
 * known (the filehandle operations, GETATTR, ACCESS, OPEN without a delegation, SEQUENCE); past another it stops.
 */
import type { Compound } from './onc-rpc-nfs4.ts';
import { grantedParts, type HandleMap, pathText, remember } from './onc-rpc-nfs4-walk.ts';
import { shown, Xdr } from './onc-rpc-xdr.ts';
import { latin1 } from './wire-bytes.ts';

const fattr = (x: Xdr): boolean => {
  const words = x.u32();
  return words !== undefined && words <= 8 && x.skip(words * 4) && x.opaque(65536) !== undefined;
};

/** OPEN4resok: stateid, change_info, rflags, attrset, and a delegation of none (OPEN_DELEGATE_NONE 0). */
const openResult = (x: Xdr): boolean => {
  if (!x.skip(40)) return false;
  const words = x.u32();
  return words !== undefined && words <= 8 && x.skip(words * 4) && x.u32() === 0;
};

/** The result bodies stepped over, by operation number (an empty body: the filehandle operations). */
const bodies: Record<number, (x: Xdr) => boolean> = {
  3: (x) => x.skip(8),
  9: fattr,
  15: () => true,
  16: () => true,
  18: openResult,
  22: () => true,
  23: () => true,
  24: () => true,
  31: () => true,
  32: () => true,
  53: (x) => x.skip(36),
};

/** Reads the results in order, remembering each GETFH's handle with its place, up to one whose size is not known. */
const rememberHandles = (x: Xdr, count: number, compound: Compound, known: HandleMap): void => {
  for (let i = 0; i < Math.min(count, 32); i++) {
    const [op, status] = [x.u32(), x.u32()];
    if (op === undefined || status !== 0) return;
    if (op === 10) {
      const handle = x.opaque(128);
      const place = compound.handles.get(i);
      if (handle === undefined) return;
      if (place !== undefined) remember(known, latin1(handle), place);
    } else if (!(bodies[op]?.(x) ?? false)) return;
  }
};

/** The rooted paths, or their first components, whose every component the server granted; handles remembered. */
export const compoundGranted = (results: Uint8Array, compound: Compound, known: HandleMap): string[] => {
  const x = new Xdr(results);
  const [status, tag, count] = [x.u32(), x.opaque(1024), x.u32()];
  if (status === undefined || tag === undefined || count === undefined) return [];
  if (compound.handles.size > 0) rememberHandles(x, count, compound, known);
  const done = status === 0 ? count : count - 1;
  const granted: string[] = [];
  for (const place of compound.peaks) {
    const parts = grantedParts(place, done);
    if (place.rooted && parts > 0) granted.push(shown(pathText(place, parts), 1024));
  }
  return granted;
};
