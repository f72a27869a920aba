/**
 * An ONC RPC message's header (RFC 5531 §9): a CALL (xid, msg_type 0, rpcvers 2, program, version, procedure, a
 * credential and a verifier, each a flavor and at most 400 octets) or a REPLY (xid, msg_type 1, accepted with a
 * verifier and an accept_stat, or denied with a reject_stat). AUTH_SYS's credential (RFC 5531 appendix A) is opened:
 * the uid, gid and machine name the client writes itself. Strict, so that detection can lean on it.
 */
import { Xdr } from './onc-rpc-xdr.ts';

export type RpcCredential = { flavor: number; uid?: number; gid?: number; machine?: string };

export type RpcCall = {
  type: 'call';
  xid: number;
  program: number;
  version: number;
  procedure: number;
  credential: RpcCredential;
  /** The procedure's arguments (up to the end of the octets read). */
  args: Uint8Array;
};

export type RpcReply = {
  type: 'reply';
  xid: number;
  /** `SUCCESS`, another accept_stat, `RPC_MISMATCH` or `AUTH_ERROR <auth_stat>`. */
  status: string;
  /** The procedure's results, after a SUCCESS. */
  results: Uint8Array;
};

export type RpcMessage = RpcCall | RpcReply;

/** RFC 5531 §8.2: the largest credential or verifier body. */
const maxAuth = 400;
/** AUTH_NONE 0 … RPCSEC_GSS 6, AUTH_TLS 7 (RFC 9289). */
const maxFlavor = 7;
const acceptStats = [
  'SUCCESS',
  'PROG_UNAVAIL',
  'PROG_MISMATCH',
  'PROC_UNAVAIL',
  'GARBAGE_ARGS',
  'SYSTEM_ERR',
];
const authStats = [
  'AUTH_OK',
  'AUTH_BADCRED',
  'AUTH_REJECTEDCRED',
  'AUTH_BADVERF',
  'AUTH_REJECTEDVERF',
  'AUTH_TOOWEAK',
  'AUTH_INVALIDRESP',
  'AUTH_FAILED',
];

/** What a header read found: a message, too few octets for its header (`short`), or no RPC header (undefined). */
export type HeaderRead = RpcMessage | 'short' | undefined;

/** AUTH_SYS's body, exactly: stamp, machine name (≤ 255), uid, gid, up to 16 more gids. */
const authSys = (body: Uint8Array): RpcCredential | undefined => {
  const x = new Xdr(body);
  x.u32();
  const machine = x.string(255);
  const uid = x.u32();
  const gid = x.u32();
  const count = x.u32();
  if (machine === undefined || uid === undefined || gid === undefined || count === undefined || count > 16)
    return undefined;
  return x.skip(count * 4) && x.left === 0 ? { flavor: 1, uid, gid, machine } : undefined;
};

/** A credential or verifier: a flavor and a bounded body (AUTH_NONE's empty, AUTH_SYS's whole). */
const readAuth = (x: Xdr): RpcCredential | 'short' | undefined => {
  const flavor = x.u32();
  const length = x.u32();
  if (flavor === undefined || length === undefined) return 'short';
  if (flavor > maxFlavor || length > maxAuth || length % 4 !== 0 || (flavor === 0 && length !== 0))
    return undefined;
  const start = x.at;
  if (!x.skip(length)) return 'short';
  return flavor === 1 && length > 0 ? authSys(x.bytes.subarray(start, x.at)) : { flavor };
};

const readCall = (x: Xdr, xid: number): HeaderRead => {
  const [rpcvers, program, version, procedure] = [x.u32(), x.u32(), x.u32(), x.u32()];
  if (rpcvers === undefined || procedure === undefined || program === undefined || version === undefined)
    return rpcvers === undefined || rpcvers === 2 ? 'short' : undefined;
  if (rpcvers !== 2 || program === 0 || version > 0xffff || procedure > 0xffff) return undefined;
  const credential = readAuth(x);
  if (credential === undefined || credential === 'short') return credential;
  const verifier = readAuth(x);
  if (verifier === undefined || verifier === 'short') return verifier;
  return { type: 'call', xid, program, version, procedure, credential, args: x.bytes.subarray(x.at) };
};

/** The low and high versions of a mismatch, in order. */
const mismatch = (x: Xdr): 'short' | boolean => {
  const [low, high] = [x.u32(), x.u32()];
  return low === undefined || high === undefined ? 'short' : low <= high;
};

const readAccepted = (x: Xdr, xid: number): HeaderRead => {
  const verifier = readAuth(x);
  if (verifier === undefined || verifier === 'short') return verifier;
  const stat = x.u32();
  if (stat === undefined) return 'short';
  const status = acceptStats[stat];
  if (status === undefined) return undefined;
  const held = stat === 2 ? mismatch(x) : true;
  if (held !== true) return held === 'short' ? 'short' : undefined;
  return { type: 'reply', xid, status, results: x.bytes.subarray(x.at) };
};

const readDenied = (x: Xdr, xid: number): HeaderRead => {
  const stat = x.u32();
  const detail = stat === 0 ? mismatch(x) : x.u32();
  if (stat === undefined || detail === undefined || detail === 'short') return 'short';
  if (stat === 0 && detail === true)
    return { type: 'reply', xid, status: 'RPC_MISMATCH', results: new Uint8Array() };
  const auth = stat === 1 && typeof detail === 'number' ? authStats[detail] : undefined;
  return auth === undefined
    ? undefined
    : { type: 'reply', xid, status: `AUTH_ERROR ${auth}`, results: new Uint8Array() };
};

/** The header at the start of `bytes` (one whole message, or its first octets). */
export const readRpcHeader = (bytes: Uint8Array): HeaderRead => {
  const x = new Xdr(bytes);
  const [xid, type] = [x.u32(), x.u32()];
  if (xid === undefined || type === undefined) return 'short';
  if (type === 0) return readCall(x, xid);
  if (type !== 1) return undefined;
  const stat = x.u32();
  if (stat === undefined) return 'short';
  if (stat > 1) return undefined;
  return stat === 0 ? readAccepted(x, xid) : readDenied(x, xid);
};
