/**
 * Erlang distribution (`erlang`: RabbitMQ's 25672, CouchDB's, ejabberd's and every Elixir cluster's node-to-node
 * port): identified by the initiator's send_name, whole and alone (a 2-octet length equal to what follows, `n` with
 * version 5 or `N` with DFLAG_HANDSHAKE_23, the mandatory extended-references flag, a node name `alive@host`), or by
 * the acceptor's status message (`s` and a status word) with what follows it starting as a challenge. Whoever holds
 * the cookie runs any function on the node (erlang-dist-parser.ts tells the calls).
 */

import { readHello, readStatus } from './erlang-dist-handshake.ts';
import { createErlangDistParser } from './erlang-dist-parser.ts';
import type { Detection, Protocol } from './protocol.ts';
import { u16be } from './wire-bytes.ts';

/** Handshake messages are short: a name of at most 1023 octets and 17 fixed ones (the first length octet ≤ 4). */
const framed = (b: Uint8Array, tags: readonly number[]): Detection | number => {
  if ((b[0] ?? 0) > 4) return 'no-match';
  if (b.length >= 3 && !tags.includes(b[2] ?? 0)) return 'no-match';
  if (b.length < 3) return 'need-more';
  return 2 + u16be(b, 0);
};

const detectInitiator = (b: Uint8Array): Detection => {
  const end = framed(b, [0x6e, 0x4e]);
  if (typeof end !== 'number') return end;
  if (b.length < end) return end > 1100 ? 'no-match' : 'need-more';
  return b.length === end && readHello(b.subarray(2), false) !== undefined ? 'match' : 'no-match';
};

/** A status, whole; after it nothing yet, or the start of the challenge (`n` or `N`). */
const detectAcceptor = (b: Uint8Array): Detection => {
  const end = framed(b, [0x73]);
  if (typeof end !== 'number') return end;
  if (end > 40) return 'no-match';
  if (b.length < end) return 'need-more';
  if (readStatus(b.subarray(2, end)) === undefined) return 'no-match';
  const next = framed(b.subarray(end), [0x6e, 0x4e]);
  return b.length === end || next !== 'no-match' ? 'match' : 'no-match';
};

export const erlangDist: Protocol = {
  id: 'erlang',
  transport: 'tcp',
  ports: [25672, 4370],
  encrypted: false,
  detect: (bytes, direction) => (direction === 'to-server' ? detectInitiator(bytes) : detectAcceptor(bytes)),
  createParser: createErlangDistParser,
};
