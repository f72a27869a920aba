/**
 * What nfs-abuse judges in one ONC RPC call or reply (onc-rpc-parser.ts), as a kind and a sentence: AUTH_SYS claiming
 * uid 0 to NFS or mountd, a MOUNT of a sensitive path (and its success), enumeration (portmap or rpcbind DUMP, mountd
 * EXPORT or DUMP), NIS password maps read from ypserv, and calls forwarded through the portmapper (CALLIT, BCAST,
 * INDIRECT). Pure functions of the event's `rpc` and the policy's lists.
 */
import type { OncRpc } from '../events.ts';

export type NfsKind = 'root' | 'mount' | 'mounted' | 'enumeration' | 'nis' | 'forward';
/** What was done (told with the server it was done to) and, where it is not plain, why it matters. */
export type NfsSighting = { kind: NfsKind; what: string; why?: string };

const nfs = 100003;
const mountd = 100005;
const portmapper = 100000;
const ypserv = 100004;

/** `path` with `.` and `..` resolved and repeated or trailing slashes dropped: `/srv/../etc/` is `/etc`. */
export const normalPath = (path: string): string => {
  const parts: string[] = [];
  for (const part of path.split('/'))
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  return `/${parts.join('/')}`;
};

/** The listed path `path` is, or is under (`/` only itself: every export is under it). */
export const sensitivePath = (path: string, listed: readonly string[]): string | undefined => {
  const normal = normalPath(path);
  return listed.find((entry) => {
    const root = normalPath(entry);
    return normal === root || (root !== '/' && normal.startsWith(`${root}/`));
  });
};

/** A NIS map the policy lists (`passwd` covers `passwd.byname`, `passwd.byuid`). */
const nisMap = (map: string, listed: readonly string[]): boolean =>
  listed.some((entry) => map === entry || map.startsWith(`${entry}.`));

const rootClaim = (rpc: OncRpc): NfsSighting | undefined =>
  rpc.flavor === 1 && rpc.uid === 0 && rpc.procedure !== 0 && (rpc.program === nfs || rpc.program === mountd)
    ? {
        kind: 'root',
        what: `claimed uid 0 (AUTH_SYS, machine "${rpc.machine}") calling ${rpc.name}`,
        why: 'NFS believes the uid a client writes, so it acts as root wherever the export does not squash root',
      }
    : undefined;

const enumeration = (rpc: OncRpc): NfsSighting | undefined => {
  if (rpc.program === portmapper && rpc.procedure === 4)
    return { kind: 'enumeration', what: `listed every RPC program and its port (${rpc.name})` };
  if (rpc.program === mountd && rpc.procedure === 5)
    return { kind: 'enumeration', what: 'listed the exports and the clients they allow (mount EXPORT)' };
  if (rpc.program === mountd && rpc.procedure === 2)
    return { kind: 'enumeration', what: 'listed the clients that have mounted what (mount DUMP)' };
  return undefined;
};

const forwarded = (rpc: OncRpc): NfsSighting | undefined =>
  rpc.program === portmapper && (rpc.procedure === 5 || (rpc.version === 4 && rpc.procedure === 10))
    ? { kind: 'forward', what: `asked the portmapper to forward a call (${rpc.name} ${rpc.argument ?? '?'})` }
    : undefined;

export type Lists = { sensitivePaths: readonly string[]; nisMaps: readonly string[] };

/**
 * The first of an NFS v4 COMPOUND's paths from the root that is sensitive, with the listed path it is under. The
 * root itself is not: every v4 client starts at the pseudo-root (PUTROOTFH) and lists it to find its export.
 */
const sensitiveWalk = (paths: readonly string[] | undefined, lists: Lists): [string, string] | undefined => {
  for (const path of paths ?? []) {
    if (!path.startsWith('/') || normalPath(path) === '/') continue;
    const listed = sensitivePath(path, lists.sensitivePaths);
    if (listed !== undefined) return [path, listed];
  }
  return undefined;
};

/** An NFS v4 COMPOUND walking to a sensitive path: judged as a MNT of it would be. */
const v4Walk = (rpc: OncRpc, lists: Lists): NfsSighting | undefined => {
  const found = rpc.program === nfs ? sensitiveWalk(rpc.paths, lists) : undefined;
  return found === undefined
    ? undefined
    : {
        kind: 'mount',
        what: `walked NFS v4 to ${found[0]} (under ${found[1]}; ${rpc.name} ${rpc.argument ?? ''})`,
      };
};

/** What a call does that the policy judges, in the order of their weight; `mounted` tells whether a MNT came before. */
export const callSightings = (rpc: OncRpc, lists: Lists, mounted: boolean): NfsSighting[] => {
  const seen: NfsSighting[] = [];
  const root = rootClaim(rpc);
  if (root !== undefined) seen.push(root);
  const path = rpc.program === mountd && rpc.procedure === 1 ? rpc.argument : undefined;
  const listed = path === undefined ? undefined : sensitivePath(path, lists.sensitivePaths);
  if (path !== undefined && listed !== undefined)
    seen.push({ kind: 'mount', what: `asked mountd to mount ${path} (under ${listed})` });
  const walked = rpc.paths === undefined ? undefined : v4Walk(rpc, lists);
  if (walked !== undefined) seen.push(walked);
  const map = rpc.program === ypserv ? rpc.argument : undefined;
  if (map !== undefined && rpc.procedure >= 3 && nisMap(map, lists.nisMaps))
    seen.push({
      kind: 'nis',
      what: `read the NIS map ${map} (${rpc.name})`,
      why: 'its accounts and password hashes',
    });
  // A client that mounts reads the exports too (libnfs asks for them after MNT): only a listing alone is told.
  const listing = mounted && rpc.program === mountd ? undefined : enumeration(rpc);
  if (listing !== undefined) seen.push(listing);
  const forward = forwarded(rpc);
  if (forward !== undefined) seen.push(forward);
  return seen;
};

/** An NFS v4 reply granting each component of a sensitive path (NFS4_OK): the server handed over its handle. */
const v4Reached = (rpc: OncRpc, lists: Lists): NfsSighting | undefined => {
  const found = rpc.program === nfs ? sensitiveWalk(rpc.granted, lists) : undefined;
  return found === undefined
    ? undefined
    : {
        kind: 'mounted',
        what:
          `reached ${found[0]} over NFS v4 (under ${found[1]}; ` +
          `NFS4_OK for each component, ${rpc.name} ${rpc.status})`,
        why: 'the server handed over its file handle',
      };
};

/** A reply that says a sensitive path was mounted: MNT's status OK, or NFS v4's NFS4_OK for a path's components. */
export const replySighting = (rpc: OncRpc, lists: Lists): NfsSighting | undefined => {
  if (rpc.granted !== undefined) return v4Reached(rpc, lists);
  if (rpc.program !== mountd || rpc.procedure !== 1 || rpc.ok !== true || rpc.argument === undefined)
    return undefined;
  const listed = sensitivePath(rpc.argument, lists.sensitivePaths);
  return listed === undefined
    ? undefined
    : {
        kind: 'mounted',
        what: `mounted ${rpc.argument} (${rpc.status})`,
        why: 'mountd handed over its file handle',
      };
};
