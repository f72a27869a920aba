/**
 * What a successful reply's results say, read with the call it answers: a MOUNT's status (mountstat3, RFC 1813 §5.1)
 * and the exports an EXPORT lists with the clients allowed, the mounts a DUMP lists, an NFS v3 or v4 status name
 * (nfsstat3, nfsstat4: RFC 1813 §2.6, RFC 7530 §13), the port a GETPORT or the address a GETADDR hands back, the
 * programs a portmapper's DUMP lists, and ypserv's status. Lists stop at 32 entries.
 */
import { programName } from './onc-rpc-programs.ts';
import { shown, Xdr } from './onc-rpc-xdr.ts';

export type CallKey = { program: number; version: number; procedure: number };
export type ReplyResult = { status: string; ok: boolean; detail?: string };

const maxListed = 32;
const errors: Record<number, string> = {
  1: 'PERM',
  2: 'NOENT',
  5: 'IO',
  6: 'NXIO',
  13: 'ACCES',
  17: 'EXIST',
  18: 'XDEV',
  19: 'NODEV',
  20: 'NOTDIR',
  21: 'ISDIR',
  22: 'INVAL',
  27: 'FBIG',
  28: 'NOSPC',
  30: 'ROFS',
  31: 'MLINK',
  63: 'NAMETOOLONG',
  66: 'NOTEMPTY',
  69: 'DQUOT',
  70: 'STALE',
  71: 'REMOTE',
  10001: 'BADHANDLE',
  10002: 'NOT_SYNC',
  10003: 'BAD_COOKIE',
  10004: 'NOTSUPP',
  10005: 'TOOSMALL',
  10006: 'SERVERFAULT',
  10007: 'BADTYPE',
  10008: 'JUKEBOX',
};
/** NFS v4's own codes past v3's (RFC 7530 §13.1). */
const v4Errors = [
  'DELAY',
  'SAME',
  'DENIED',
  'EXPIRED',
  'LOCKED',
  'GRACE',
  'FHEXPIRED',
  'SHARE_DENIED',
  'WRONGSEC',
  'CLID_INUSE',
  'RESOURCE',
  'MOVED',
  'NOFILEHANDLE',
  'MINOR_VERS_MISMATCH',
  'STALE_CLIENTID',
  'STALE_STATEID',
  'OLD_STATEID',
  'BAD_STATEID',
  'BAD_SEQID',
];
const ypStatus: Record<number, string> = {
  1: 'YP_TRUE',
  2: 'YP_NOMORE',
  0: 'YP_FALSE',
  [-1]: 'YP_NOMAP',
  [-2]: 'YP_NODOM',
  [-3]: 'YP_NOKEY',
  [-4]: 'YP_BADOP',
  [-5]: 'YP_BADDB',
  [-6]: 'YP_YPERR',
  [-7]: 'YP_BADARGS',
  [-8]: 'YP_VERS',
};

const errorName = (prefix: string, code: number, v4 = false): string => {
  if (code === 0) return `${prefix}_OK`;
  const name = v4 && code >= 10008 ? v4Errors[code - 10008] : errors[code];
  return `${prefix}ERR_${name ?? code}`;
};

const statusOf = (x: Xdr, name: (code: number) => string, good = 0): ReplyResult | undefined => {
  const code = x.u32();
  return code === undefined ? undefined : { status: name(code), ok: code === good };
};

/** ypserv's answers open with a status (YP_TRUE 1 is success); ALL's stream puts a `more` flag before it. */
const ypResult = (procedure: number, x: Xdr): ReplyResult | undefined => {
  if (procedure < 3 || procedure === 6 || procedure === 7 || procedure === 11) return undefined;
  if (procedure === 8 && x.u32() !== 1) return { status: 'YP_NOMORE', ok: false };
  return statusOf(x, (code) => ypStatus[code | 0] ?? `YP status ${code | 0}`, 1);
};

/** Linked XDR lists (a bool before each entry): each entry read by `entry`, at most 32, joined by `, `. */
const listed = (x: Xdr, entry: (x: Xdr) => string | undefined): string => {
  const out: string[] = [];
  for (let more = x.u32(); more === 1 && out.length < maxListed; more = x.u32()) {
    const item = entry(x);
    if (item === undefined) break;
    out.push(item);
  }
  return out.join(', ');
};

/** exportnode: a directory, then the groups (clients) allowed; none listed is everyone. */
const exportNode = (x: Xdr): string | undefined => {
  const dir = x.string(1024);
  if (dir === undefined) return undefined;
  const groups = listed(x, (g) => g.string(255));
  return `${shown(dir, 256)} (${groups === '' ? 'everyone' : shown(groups, 256)})`;
};

const mountBody = (x: Xdr): string | undefined => {
  const [host, dir] = [x.string(255), x.string(1024)];
  return host === undefined || dir === undefined ? undefined : `${shown(host, 64)}:${shown(dir, 256)}`;
};

const protocolName = (protocol: number | undefined): string =>
  protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : `protocol ${protocol}`;

/** pmap (v2) or rpcb (v3, v4) entries: the programs registered. */
const registered = (version: number) => (x: Xdr) => {
  const [program, vers] = [x.u32(), x.u32()];
  if (program === undefined || vers === undefined) return undefined;
  const netid = version === 2 ? protocolName(x.u32()) : x.string(64);
  const at = version === 2 ? String(x.u32()) : x.string(128);
  if (version !== 2 && x.string(128) === undefined) return undefined;
  return `${programName(program)} v${vers} ${shown(netid ?? '?', 16)} ${shown(at ?? '?', 64)}`;
};

const mountResult = (procedure: number, version: number, x: Xdr): ReplyResult | undefined => {
  if (procedure === 1) return statusOf(x, (code) => errorName(version === 3 ? 'MNT3' : 'MNT', code));
  if (procedure === 5 || procedure === 6)
    return { status: 'SUCCESS', ok: true, detail: listed(x, exportNode) };
  if (procedure === 2) return { status: 'SUCCESS', ok: true, detail: listed(x, mountBody) };
  return undefined;
};

const portmapResult = (call: CallKey, x: Xdr): ReplyResult | undefined => {
  if (call.procedure === 4)
    return { status: 'SUCCESS', ok: true, detail: listed(x, registered(call.version)) };
  if (call.procedure !== 3) return undefined;
  if (call.version === 2) {
    const port = x.u32();
    return port === undefined ? undefined : { status: `port ${port}`, ok: port !== 0 };
  }
  const address = x.string(128);
  return address === undefined
    ? undefined
    : {
        status: address === '' ? 'unregistered' : 'SUCCESS',
        ok: address !== '',
        detail: shown(address, 128),
      };
};

/** The result of a SUCCESS reply to `call`, or undefined when its program or procedure is not read here. */
export const replyResult = (call: CallKey, results: Uint8Array): ReplyResult | undefined => {
  const x = new Xdr(results);
  const { program, version, procedure } = call;
  if (procedure === 0) return undefined;
  if (program === 100005) return mountResult(procedure, version, x);
  if (program === 100000) return portmapResult(call, x);
  if (program === 100003 && (version === 3 || version === 4))
    return statusOf(x, (code) => errorName(`NFS${version}`, code, version === 4));
  return program === 100004 ? ypResult(procedure, x) : undefined;
};
