/**
 * What a call's arguments name, for the programs a pod can abuse: the program a portmapper is asked about (GETPORT,
 * GETADDR, SET; RFC 1833), the call it is asked to forward (CALLIT, BCAST, INDIRECT), the directory a MOUNT asks for
 * (MNT, UMNT), the NIS map (and key) ypserv is asked to read, the name an NFS v3 operation acts on (its diropargs3,
 * RFC 1813), and an NFS v4 COMPOUND's operations (onc-rpc-nfs4.ts). Bounded; whatever does not read is left out.
 */
import { type Compound, compoundOperations } from './onc-rpc-nfs4.ts';
import type { HandleMap } from './onc-rpc-nfs4-walk.ts';
import { procedureName, programLabel, programName } from './onc-rpc-programs.ts';
import { shown, Xdr } from './onc-rpc-xdr.ts';

export type CallArguments = { argument?: string; extra?: string; paths?: string[]; compound?: Compound };

const transports: Record<number, string> = { 6: 'tcp', 17: 'udp' };
/** NFS v3 procedures whose arguments open with the directory's handle and a name (diropargs3). */
const nfs3Named = new Set([3, 8, 9, 10, 11, 12, 13, 14]);
const none: CallArguments = {};

/** portmap v2 (mapping: prog, vers, prot, port). */
const mapping = (x: Xdr): CallArguments => {
  const [program, version, protocol] = [x.u32(), x.u32(), x.u32()];
  if (program === undefined || version === undefined || protocol === undefined) return none;
  return {
    argument: programName(program),
    extra: `v${version} ${transports[protocol] ?? `protocol ${protocol}`}`,
  };
};

/** rpcbind v3/v4 (rpcb: prog, vers, netid, addr, owner). */
const rpcb = (x: Xdr): CallArguments => {
  const [program, version, netid] = [x.u32(), x.u32(), x.string(64)];
  if (program === undefined || version === undefined) return none;
  return { argument: programName(program), extra: `v${version} ${shown(netid ?? '?', 64)}` };
};

/** CALLIT, BCAST, INDIRECT (prog, vers, proc, args): the call forwarded. */
const forwarded = (x: Xdr): CallArguments => {
  const [program, version, procedure] = [x.u32(), x.u32(), x.u32()];
  if (program === undefined || version === undefined || procedure === undefined) return none;
  return { argument: `${programLabel(program, version)} ${procedureName(program, version, procedure)}` };
};

const portmapper = (version: number, procedure: number, x: Xdr): CallArguments => {
  if (procedure === 5 || (version === 4 && procedure === 10)) return forwarded(x);
  if (version === 2) return procedure >= 1 && procedure <= 3 ? mapping(x) : none;
  return (procedure >= 1 && procedure <= 3) || procedure === 9 || procedure === 11 ? rpcb(x) : none;
};

/** ypreq_nokey, ypreq_key and ypreq_xfr all open with the domain and the map; MATCH and NEXT add a key. */
const ypserv = (procedure: number, x: Xdr): CallArguments => {
  const domain = x.string(64);
  if (domain === undefined) return none;
  if (procedure < 3 || procedure === 7 || procedure === 11) return { argument: shown(domain, 64) };
  const map = x.string(64);
  if (map === undefined) return { extra: `domain ${shown(domain, 64)}` };
  const key = procedure === 3 || procedure === 5 ? x.string(1024) : undefined;
  const keyed = key === undefined ? '' : ` key ${shown(key, 64)}`;
  return { argument: shown(map, 64), extra: `domain ${shown(domain, 64)}${keyed}` };
};

const nfs = (version: number, procedure: number, x: Xdr, known: HandleMap): CallArguments => {
  if (version === 4) return procedure === 1 ? compoundOperations(x, known) : none;
  if (version !== 3 || !nfs3Named.has(procedure) || x.opaque(64) === undefined) return none;
  const name = x.string(255);
  return name === undefined ? none : { argument: shown(name) };
};

/** What the call's arguments name, when its program and procedure are read here; `known`: the connection's handles. */
export const callArguments = (
  program: number,
  version: number,
  procedure: number,
  args: Uint8Array,
  known: HandleMap,
): CallArguments => {
  const x = new Xdr(args);
  if (program === 100000) return portmapper(version, procedure, x);
  if (program === 100005) {
    if (procedure !== 1 && procedure !== 3) return none;
    const path = x.string(1024);
    return path === undefined ? none : { argument: shown(path, 1024) };
  }
  if (program === 100004) return ypserv(procedure, x);
  return program === 100003 ? nfs(version, procedure, x, known) : none;
};
