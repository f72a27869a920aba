/** Turns an ended flow into a core FlowFinding: endpoints, protocol, confidence, encryption, counters, L7, evidence. */
import type { FlowFinding } from '#core/finding.ts';
import type { Flow } from '../flow/flow.ts';
import { flowNotes } from './flow-notes.ts';
import type { FlowState } from './flow-state.ts';
import { l7Summary } from './l7-summary.ts';

/**
 * dpi: identified from the bytes of a conversation seen from its start in both directions (or in its one direction,
 * for a protocol that never answers); else partial.
 */
const confidenceOf = (flow: Flow<FlowState>): FlowFinding['confidence'] => {
  const state = flow.state;
  if (state.protocolId === 'unknown') return 'unknown';
  const pickedUp = state.toServer.reassembler?.midStream || state.toClient.reassembler?.midStream;
  const handshake = flow.transport !== 'tcp' || flow.orientation === 'syn' || flow.orientation === 'syn-ack';
  const bothWays =
    (flow.packetsToServer > 0 && flow.packetsToClient > 0) ||
    (state.protocol?.oneWay === true && flow.packetsToServer > 0);
  return handshake && bothWays && !pickedUp ? 'dpi' : 'partial';
};

const evidenceOf = (state: FlowState): FlowFinding['evidence'] => {
  if (state.protocolId !== 'unknown') return undefined;
  const evidence: NonNullable<FlowFinding['evidence']> = {};
  if (state.toServer.evidence) evidence.toServer = state.toServer.evidence;
  if (state.toClient.evidence) evidence.toClient = state.toClient.evidence;
  return Object.keys(evidence).length > 0 ? evidence : undefined;
};

const tlsOf = (state: FlowState): FlowFinding['tls'] => {
  const tls = state.l7?.tls;
  if (tls === undefined || (tls.sni === undefined && tls.alpn === undefined)) return undefined;
  return {
    ...(tls.sni === undefined ? {} : { sni: tls.sni }),
    ...(tls.alpn === undefined ? {} : { alpn: tls.alpn.slice(0, 16) }),
  };
};

/** The last second formatted: flows ending together share it, and Date formatting costs more than the rest. */
const lastSecond = { second: Number.NaN, prefix: '' };

/** `new Date(ms).toISOString()`, with the part up to the second cached. */
export const iso = (ms: number): string => {
  const at = Number.isFinite(ms) ? ms : 0;
  if (at < 0) return new Date(at).toISOString();
  const second = Math.floor(at / 1000);
  if (second !== lastSecond.second) {
    const text = new Date(second * 1000).toISOString();
    if (text.length !== 24) return new Date(at).toISOString();
    lastSecond.second = second;
    lastSecond.prefix = text.slice(0, 20);
  }
  const millis = Math.floor(at - second * 1000);
  return `${lastSecond.prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
};

export const flowFinding = (flow: Flow<FlowState>): FlowFinding => {
  const state = flow.state;
  const finding: FlowFinding = {
    type: 'flow',
    transport: flow.transport,
    client: { ...flow.client },
    server: { ...flow.server },
    protocol: state.protocolId,
    confidence: confidenceOf(flow),
    encrypted:
      (state.protocol?.encrypted ?? false) || state.mesh !== undefined || state.tlsSeen || state.sealed,
    bytes: { toServer: flow.bytesToServer, toClient: flow.bytesToClient },
    packets: { toServer: flow.packetsToServer, toClient: flow.packetsToClient },
    firstSeen: iso(flow.firstSeen),
    lastSeen: iso(flow.lastSeen),
  };
  if (state.mesh !== undefined) finding.mesh = state.mesh;
  const tls = tlsOf(state);
  if (tls !== undefined) finding.tls = tls;
  const l7 = state.l7 === undefined ? undefined : l7Summary(state.l7);
  if (l7 !== undefined) finding.l7 = l7;
  const evidence = evidenceOf(state);
  if (evidence !== undefined) finding.evidence = evidence;
  const proxy = state.proxy?.header;
  if (proxy !== undefined) finding.proxy = proxy;
  const notes = flowNotes(flow);
  if (notes.length > 0) finding.notes = notes;
  return finding;
};
