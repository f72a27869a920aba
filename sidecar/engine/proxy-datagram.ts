/**
 * The PROXY protocol over UDP: a proxy relaying datagrams (command PROXY, transport DGRAM: 0x12 for IPv4, 0x22 for
 * IPv6) puts a version 2 header before each one it forwards, since a datagram stands alone (HAProxy's
 * `proxy-protocol.txt` §2.2). Version 1 names only TCP. Each of the client's datagrams that starts with the
 * signature has its header read off and the rest goes on to detection and the parser; the flow keeps the first
 * header that names a client (a proxy's datagrams of one flow come from one client), as a TCP flow keeps its only
 * one. A header naming none (LOCAL: the proxy's own health check, should it share a socket with what it relays) is
 * kept only until one that names a client comes.
 */
import type { FlowState } from './flow-state.ts';
import { readProxyHeader } from './proxy-header.ts';

/** The v2 signature's first octet: most datagrams pay this one look. */
const first = 0x0d;
/** The v2 signature and the fixed part after it. */
const fixedPart = 16;

/** The datagram's data: after its header when it has one, else the datagram as it is (the flow says why, once). */
export const throughProxyDatagram = (state: FlowState, datagram: Uint8Array): Uint8Array => {
  if (datagram[0] !== first) return datagram;
  const read = readProxyHeader(datagram);
  if (read.kind === 'header') {
    const kept = state.proxy?.header;
    if (kept === undefined || (kept.client === undefined && read.header.client !== undefined)) {
      state.proxy = { header: read.header };
      if (state.observed !== undefined) state.observed.origin = read.header.client;
    }
    return datagram.subarray(read.length);
  }
  // A datagram is whole: a header it holds only the start of is cut, as one that breaks a rule is malformed.
  const problem =
    read.kind === 'malformed'
      ? read.reason
      : read.kind === 'need-more' && datagram.length >= fixedPart
        ? 'a datagram shorter than its PROXY header'
        : undefined;
  if (problem !== undefined && state.proxy === undefined) state.proxy = { problem };
  return datagram;
};
