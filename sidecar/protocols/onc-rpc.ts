/**
 * ONC RPC (Sun RPC, RFC 5531) over TCP and UDP (`onc-rpc`): the portmapper and rpcbind (RFC 1833), NFS v2-v4, the
 * MOUNT protocol, NIS and every other RPC program. Identified by a message's header: a CALL (msg_type 0, rpcvers 2,
 * a program, a version and procedure below 65536, a credential and a verifier of a known flavor and at most 400
 * octets, AUTH_NONE's empty and AUTH_SYS's whole) or a REPLY (msg_type 1, accepted with a verifier and an accept_stat
 * 0-5, or denied with a reject_stat and its detail). Over TCP after a record mark (the last-fragment bit and a length
 * that is a multiple of four), or a first fragment without that bit holding a CALL's whole header; over UDP filling
 * the datagram, whose length is a multiple of four too (XDR). The ports (111, 2049) are a hint only.
 */

import { readRpcHeader } from './onc-rpc-message.ts';
import { createOncRpcParser, maxFragment } from './onc-rpc-parser.ts';
import type { Detection, Protocol } from './protocol.ts';
import { u32be } from './wire-bytes.ts';

/** A reply's header (xid, msg_type, reply_stat, a verifier, accept_stat): no message is shorter. */
const minMessage = 24;

/** The cheap test first: msg_type 0 with rpcvers 2, or msg_type 1 with reply_stat 0 or 1, at `at`. */
const plausible = (b: Uint8Array, at: number): boolean => {
  const type = u32be(b, at + 4);
  const next = u32be(b, at + 8);
  return (type === 0 && next === 2) || (type === 1 && next <= 1);
};

/** A message whose header reads; when `whole`, its length a multiple of 4 and a failed reply ending at its header. */
const detectMessage = (body: Uint8Array, whole: boolean): Detection => {
  const read = readRpcHeader(body);
  if (read === undefined) return 'no-match';
  if (read === 'short') return whole ? 'no-match' : 'need-more';
  if (!whole) return 'match';
  if (body.length % 4 !== 0) return 'no-match';
  return read.type === 'reply' && read.status !== 'SUCCESS' && read.results.length > 0 ? 'no-match' : 'match';
};

/** A record: the mark's last-fragment bit set, a length of a whole message, then its header. */
const detectRecord = (b: Uint8Array): Detection => {
  if (b.length < 16) return 'need-more';
  const length = u32be(b, 0) & 0x7fffffff;
  if (length < minMessage || length > maxFragment || length % 4 !== 0 || !plausible(b, 4)) return 'no-match';
  return detectMessage(b.subarray(4, 4 + length), b.length >= 4 + length);
};

/** A CALL's header before its credential (xid, msg_type, rpcvers, program, version, procedure) and two empty auths. */
const minCall = 40;

/**
 * A record's first fragment without the last-fragment bit (a client that writes a large call in pieces): taken only
 * when its mark's length is a whole number of words and the fragment holds a CALL's whole header, credential and
 * verifier. A reply, or a header cut by the fragment's end, is not.
 */
const detectFirstFragment = (b: Uint8Array): Detection => {
  const length = u32be(b, 0);
  if (length < minCall || length > maxFragment || length % 4 !== 0 || u32be(b, 8) !== 0 || u32be(b, 12) !== 2)
    return 'no-match';
  const read = readRpcHeader(b.subarray(4, 4 + length));
  if (read === 'short') return b.length >= 4 + length ? 'no-match' : 'need-more';
  return read?.type === 'call' ? 'match' : 'no-match';
};

const detectOncRpc = (b: Uint8Array): Detection => {
  if ((b[0] ?? 0) >= 0x80) {
    const record = detectRecord(b);
    if (record !== 'no-match') return record;
  } else if (b.length >= 16) {
    const fragment = detectFirstFragment(b);
    if (fragment !== 'no-match') return fragment;
  }
  // A datagram's first octet is its xid's: any may start one, so a prefix too short to judge asks for more.
  if (b.length < 12) return 'need-more';
  if (!plausible(b, 0)) return 'no-match';
  if (b.length < minMessage) return 'need-more';
  return b.length % 4 === 0 ? detectMessage(b, true) : 'no-match';
};

export const oncRpc: Protocol = {
  id: 'onc-rpc',
  transport: 'both',
  // 111: the portmapper and rpcbind; 2049: NFS.
  ports: [111, 2049],
  encrypted: false,
  detect: (bytes) => detectOncRpc(bytes),
  createParser: createOncRpcParser,
};
