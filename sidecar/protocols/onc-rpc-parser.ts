/**
 * ONC RPC (RFC 5531) as operation events: each call by program and procedure with what its arguments name and its
 * credential (`mount MNT /export`, `AUTH_SYS uid 0 gid 0 machine web-1`), each reply paired with its call by xid and
 * told with the status its results give (`mount MNT MNT3ERR_ACCES`). Over TCP each message is a record of fragments,
 * each after a 4-octet mark (the last-fragment bit and a 31-bit length, §11); the header is in the first fragment, so
 * later ones are skipped, and a record past 64 KiB is read to there (framed-parser.ts). Over UDP a datagram is a
 * message. At most 128 calls wait for their replies; past that the oldest is forgotten.
 */
import type { Direction, OncRpc, OperationEvent, ProtocolEvent } from '../events.ts';
import { createFramedParser } from './framed-parser.ts';
import { callArguments } from './onc-rpc-arguments.ts';
import { type RpcCall, type RpcReply, readRpcHeader } from './onc-rpc-message.ts';
import type { Compound } from './onc-rpc-nfs4.ts';
import { compoundGranted } from './onc-rpc-nfs4-results.ts';
import type { HandleMap } from './onc-rpc-nfs4-walk.ts';
import { procedureName, programLabel } from './onc-rpc-programs.ts';
import { replyResult } from './onc-rpc-results.ts';
import type { ProtocolParser } from './protocol.ts';
import { u32be } from './wire-bytes.ts';

/** The longest fragment taken as RPC's: an NFS READ or WRITE of 1 MiB and its headers fit many times over. */
export const maxFragment = 1 << 24;
const maxWaiting = 128;
const flavors = [
  'AUTH_NONE',
  'AUTH_SYS',
  'AUTH_SHORT',
  'AUTH_DH',
  'AUTH_KERB',
  'AUTH_RSA',
  'RPCSEC_GSS',
  'AUTH_TLS',
];

const credentialText = (rpc: OncRpc): string =>
  rpc.flavor === 1 && rpc.uid !== undefined
    ? `AUTH_SYS uid ${rpc.uid} gid ${rpc.gid} machine ${rpc.machine}`
    : (flavors[rpc.flavor] ?? `flavor ${rpc.flavor}`);

const event = (
  direction: Direction,
  ts: number,
  operation: string,
  rpc?: OncRpc,
  detail = '',
): OperationEvent => {
  const told: OperationEvent = { kind: 'operation', ts, direction, protocol: 'onc-rpc', operation };
  if (detail !== '') told.detail = detail;
  if (rpc !== undefined) told.rpc = rpc;
  return told;
};

const describeCall = (m: RpcCall): OncRpc => {
  const { program, version, procedure, credential } = m;
  const name = `${programLabel(program, version)} ${procedureName(program, version, procedure)}`;
  const rpc: OncRpc = { program, version, procedure, name, flavor: credential.flavor };
  if (credential.uid !== undefined) Object.assign(rpc, { uid: credential.uid, gid: credential.gid });
  if (credential.machine !== undefined) rpc.machine = credential.machine;
  return rpc;
};

/**
 * A record opens with its mark and a header 4 octets on. A datagram's header read 4 octets on takes msg_type for an
 * xid and rpcvers or reply_stat for a msg_type, which no header passes; a record's read from its mark takes the xid
 * for a msg_type, passing only when the xid is 0 or 1, so a mark with the last-fragment bit set decides then.
 */
const framingOf = (chunk: Uint8Array): 'stream' | 'datagram' => {
  if (readRpcHeader(chunk.subarray(4)) === undefined) return 'datagram';
  return (chunk[0] ?? 0) >= 0x80 || readRpcHeader(chunk) === undefined ? 'stream' : 'datagram';
};

/** A call waiting for its reply, with what an NFS v4 COMPOUND's reply is read with. */
type Waiting = { rpc: OncRpc; compound?: Compound };

/**
 * One message's event: a call remembered by xid (128 at most, the oldest forgotten), a reply told with its call and,
 * for an NFS v4 COMPOUND, the paths the server granted; the handles its GETFHs returned are the connection's to know.
 */
const createPairing = () => {
  const waiting = new Map<number, Waiting>();
  const known: HandleMap = new Map();

  const call = (m: RpcCall, direction: Direction, ts: number): OperationEvent => {
    const rpc = describeCall(m);
    const { argument, extra, paths, compound } = callArguments(
      m.program,
      m.version,
      m.procedure,
      m.args,
      known,
    );
    if (argument !== undefined) rpc.argument = argument;
    if (paths !== undefined) rpc.paths = paths;
    if (waiting.size >= maxWaiting) waiting.delete(waiting.keys().next().value ?? 0);
    waiting.set(m.xid, compound === undefined ? { rpc } : { rpc, compound });
    const operation = argument === undefined ? rpc.name : `${rpc.name} ${argument.slice(0, 256)}`;
    const credential = credentialText(rpc);
    return event(direction, ts, operation, rpc, extra === undefined ? credential : `${credential} ${extra}`);
  };

  const reply = (m: RpcReply, direction: Direction, ts: number): OperationEvent => {
    const asked = waiting.get(m.xid);
    if (asked === undefined) return event(direction, ts, `reply ${m.status}`);
    waiting.delete(m.xid);
    const result = m.status === 'SUCCESS' ? replyResult(asked.rpc, m.results) : undefined;
    const status = result?.status ?? m.status;
    const rpc: OncRpc = { ...asked.rpc, status, ok: result?.ok ?? m.status === 'SUCCESS' };
    if (asked.compound !== undefined && m.status === 'SUCCESS') {
      const granted = compoundGranted(m.results, asked.compound, known);
      if (granted.length > 0) rpc.granted = granted;
    }
    return event(direction, ts, `${asked.rpc.name} ${status}`, rpc, result?.detail);
  };

  return (body: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const m = readRpcHeader(body);
    if (m === undefined || m === 'short') return [];
    return [m.type === 'call' ? call(m, direction, ts) : reply(m, direction, ts)];
  };
};

export const createOncRpcParser = (): ProtocolParser => {
  const message = createPairing();
  const continuing = { 'to-server': false, 'to-client': false };
  const stream = createFramedParser({
    frame: (buf) => {
      if (buf.length < 4) return 0;
      const length = u32be(buf, 0) & 0x7fffffff;
      return length > maxFragment ? -1 : 4 + length;
    },
    // The header is in a record's first fragment: the fragments after one without the last-fragment bit are skipped.
    message: (fragment, { direction, ts }) => {
      const first = !continuing[direction];
      continuing[direction] = ((fragment[0] ?? 0) & 0x80) === 0;
      return first ? message(fragment.subarray(4), direction, ts) : [];
    },
  });

  let framing: 'stream' | 'datagram' | undefined;
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      framing ??= framingOf(chunk);
      return framing === 'stream' ? stream.parse(chunk, direction, ts) : message(chunk, direction, ts);
    },
    gap(direction: Direction, lost?: number): void {
      if (framing === 'stream') stream.gap(direction, lost);
    },
  };
};
