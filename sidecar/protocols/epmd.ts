/**
 * The Erlang Port Mapper Daemon (`epmd`, usually port 4369): nodes register their distribution port with it and ask it
 * for another node's. Identified by a client's whole request (a 2-octet length that equals what follows, a known tag
 * and a body that holds together: ALIVE2_REQ, PORT_PLEASE2_REQ, NAMES_REQ, DUMP_REQ, KILL_REQ, STOP_REQ) or by the
 * daemon's PORT2_RESP or list of nodes, never by the port.
 */

import { readEpmdRequest, readNodeList, readPort2 } from './epmd-message.ts';
import { createEpmdParser } from './epmd-parser.ts';
import { verdict } from './handshake-read.ts';
import type { Detection, Protocol } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

/**
 * Distribution status words: a STOP_REQ naming one has the octets of a node's status message (`00 03 73 6f 6b` is both
 * STOP_REQ "ok" and status "ok"), so it is left to erlang-dist.ts. STOP_REQ is seldom sent (`epmd -stop`).
 */
const statusWords = new Set(['ok', 'ok_simultaneous', 'nok', 'not_allowed', 'alive', 'true', 'false']);

/** The client's first write is one request, exactly. */
const detectRequest = (b: Uint8Array): Detection => {
  const read = readEpmdRequest(b);
  if (read === 'short' || read === undefined) return verdict(read);
  if (read.request.kind === 'stop' && statusWords.has(read.request.name)) return 'no-match';
  return read.size === b.length ? 'match' : 'no-match';
};

const lineStarts = ['name ', 'active name ', 'old/unused name '];

/** A names or dump answer: whole node lines after the 4-octet port, and a cut line that can still become one. */
const detectNodeList = (b: Uint8Array): Detection => {
  if (b.length < 4) return b.every((octet, i) => i > 1 || octet === 0) ? 'need-more' : 'no-match';
  const text = latin1(b, 4, Math.min(b.length, 4096));
  const cut = text.slice(text.lastIndexOf('\n') + 1);
  if (cut.length > 300 || !lineStarts.some((start) => start.startsWith(cut) || cut.startsWith(start)))
    return 'no-match';
  const nodes = readNodeList(b.subarray(0, b.length - cut.length));
  if (nodes === undefined) return 'no-match';
  return nodes.length > 0 && cut === '' ? 'match' : 'need-more';
};

/** The daemon's answer: a node's port (PORT2_RESP with its whole body, alone) or the node list. */
const detectAnswer = (b: Uint8Array): Detection => {
  if (b[0] === 0x77) {
    const read = readPort2(b);
    if (read === 'short' || read === undefined) return verdict(read);
    return read.ok && read.size === b.length ? 'match' : 'no-match';
  }
  return detectNodeList(b);
};

export const epmd: Protocol = {
  id: 'epmd',
  transport: 'tcp',
  ports: [4369],
  encrypted: false,
  detect: (bytes, direction) => (direction === 'to-server' ? detectRequest(bytes) : detectAnswer(bytes)),
  createParser: createEpmdParser,
};
