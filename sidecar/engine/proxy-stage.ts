/**
 * The client's first bytes of a TCP flow, before detection: a load balancer's PROXY header is read off (held while it
 * is incomplete), and only the bytes after it go on to detection and the parser (ADR 25). Every other flow pays one
 * look at its first octet. Over UDP each of the client's datagrams may carry its own header (proxy-datagram.ts).
 */
import type { Endpoint } from '#core/finding.ts';
import type { Flow } from '../flow/flow.ts';
import { joinParts } from '../protocols/wire-bytes.ts';
import { type FlowState, noProxyHeader } from './flow-state.ts';
import { throughProxyDatagram } from './proxy-datagram.ts';
import { readProxyHeader } from './proxy-header.ts';

/** True when this chunk of the client's side must first go through `throughProxyHeader`. */
export const awaitsProxyHeader = (flow: Flow<FlowState>): boolean => {
  if (flow.transport === 'udp') return true;
  const proxy = flow.state.proxy;
  return proxy === undefined ? flow.transport === 'tcp' : proxy.held !== undefined;
};

/** The client the header names, for a flow that has one (a health check's LOCAL header names none). */
export const proxyOrigin = (state: FlowState): Endpoint | undefined => state.proxy?.header?.client;

/** A datagram's data after its header, the flow's view given the client the first header names. */
const throughUdp = (state: FlowState, datagram: Uint8Array): Uint8Array => {
  const had = state.proxy?.header;
  const data = throughProxyDatagram(state, datagram);
  const origin = state.proxy?.header?.client;
  if (had === undefined && state.observed !== undefined && origin !== undefined)
    state.observed.origin = origin;
  return data;
};

/**
 * The client's bytes to go on with: the chunk as it is (no header), what follows a header read off, or undefined while
 * a header is incomplete (the bytes are held). A header that breaks its rules goes on as it is, and the flow says so.
 */
export const throughProxyHeader = (
  flow: Flow<FlowState>,
  chunk: Uint8Array,
  ts: number,
): Uint8Array | undefined => {
  const state = flow.state;
  if (flow.transport === 'udp') return throughUdp(state, chunk);
  const held = state.proxy?.held;
  // A connection picked up mid-stream, or after lost bytes, does not start here.
  if (held === undefined && (state.toServer.gaps > 0 || state.toServer.reassembler?.midStream === true)) {
    state.proxy = noProxyHeader;
    return chunk;
  }
  const bytes = held === undefined ? chunk : joinParts([held, chunk], held.length + chunk.length);
  const read = readProxyHeader(bytes);
  if (read.kind === 'need-more' && bytes.length < read.upTo) {
    state.proxy = { held: bytes, heldTs: state.proxy?.heldTs ?? ts };
    return undefined;
  }
  if (read.kind === 'header') {
    state.proxy = { header: read.header };
    const origin = read.header.client;
    if (state.observed !== undefined && origin !== undefined) state.observed.origin = origin;
    return bytes.subarray(read.length);
  }
  state.proxy = read.kind === 'malformed' ? { problem: read.reason } : noProxyHeader;
  return bytes;
};

/**
 * The held start of a header that will not be finished (a gap, or the flow's end): let go, to go on as it is.
 * Returns the bytes and when they came, or undefined when nothing was held.
 */
export const releaseProxyHold = (
  state: FlowState,
  why: string,
): { bytes: Uint8Array; ts: number } | undefined => {
  const held = state.proxy?.held;
  if (held === undefined) return undefined;
  const ts = state.proxy?.heldTs ?? 0;
  state.proxy = { problem: why };
  return { bytes: held, ts };
};
