/** A flow's in-order bytes: kept and detected while the protocol is unknown, then parsed into events for observers. */

import type { ProtocolId } from '#core/protocol-id.ts';
import { toHex } from '../decode/byte-reader.ts';
import type { ObservedFlow } from '../engine-observer.ts';
import {
  type Direction,
  encryptedOperation,
  type HttpRequestEvent,
  type OperationEvent,
  type ProtocolEvent,
  tunnelFailedOperation,
  tunnelOperation,
} from '../events.ts';
import type { Flow } from '../flow/flow.ts';
import { announcedProtocols } from '../protocols/announced-protocols.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';
import { maxTunnelDepth } from '../protocols/tunnel-inner.ts';
import { type DetectionVerdict, detectDatagram, detectProtocol } from './detect-protocol.ts';
import {
  detectionShape,
  noteAttempt,
  outOfPatience,
  prefixFull,
  unasked,
  worthAsking,
} from './detection-pacing.ts';
import type { EngineContext } from './engine-context.ts';
import { createFlowState, type DirectionState, type FlowState } from './flow-state.ts';
import { tallyForwardedClient } from './forwarded-clients.ts';
import { collectL7, createL7Collector, type L7Collector } from './l7-collector.ts';
import { meshOf } from './mesh-of.ts';
import { askToPass, lostPastPassing, pastPassing } from './passing.ts';
import { awaitsProxyHeader, proxyOrigin, releaseProxyHold, throughProxyHeader } from './proxy-stage.ts';

const empty = new Uint8Array(0);
/** Replay entries (runs of one side's chunks) kept while detecting. */
const maxReplayEntries = 64;
const noCache = new Uint8Array(0);

const side = (state: FlowState, direction: Direction): DirectionState =>
  direction === 'to-server' ? state.toServer : state.toClient;

export const observedFlow = (flow: Flow<FlowState>): ObservedFlow => {
  flow.state.observed ??= {
    key: flow.key,
    transport: flow.transport,
    client: flow.client,
    server: flow.server,
    protocol: flow.state.protocolId,
    handshake: flow.orientation === 'syn' || flow.orientation === 'syn-ack',
    origin: proxyOrigin(flow.state),
    tls: flow.state.tlsSeen,
    tunnelled: flow.state.tunnelled,
  };
  return flow.state.observed;
};

/**
 * An event someone reads to the end (a CONNECT tunnel's TLS record): parse its direction to the end. Read as the
 * flow's protocol's, or as a tunnel layer's (SIP inside a WebSocket, Redis through a CONNECT), whose detectors read
 * the flow's events as they would on a flow of its own.
 */
const liftBudget = (ctx: EngineContext, state: FlowState, event: ProtocolEvent): void => {
  const d = side(state, event.direction);
  if (d.budget === Number.POSITIVE_INFINITY || state.protocol === undefined) return;
  if (ctx.budget.lifts(state.protocol, event.kind, event.direction) || liftsInside(ctx, state, event))
    d.budget = Number.POSITIVE_INFINITY;
};

const liftsInside = (ctx: EngineContext, state: FlowState, event: ProtocolEvent): boolean => {
  const layers = state.tunnelled;
  if (layers === undefined) return false;
  for (const protocol of ctx.protocols)
    if (layers.includes(protocol.id) && ctx.budget.lifts(protocol, event.kind, event.direction)) return true;
  return false;
};

/** The flow's byte counts on its observed view, updated in place (observers read them, none keeps the object). */
export const countBytes = (flow: Flow<FlowState>, observed: ObservedFlow): void => {
  if (observed.bytes === undefined)
    observed.bytes = { toServer: flow.bytesToServer, toClient: flow.bytesToClient };
  else {
    observed.bytes.toServer = flow.bytesToServer;
    observed.bytes.toClient = flow.bytesToClient;
  }
};

/**
 * What an event tells the engine about its flow: gRPC inside HTTP/2, a TLS handshake (and mesh), a coming flow, its
 * own encryption, a tunnel's protocol.
 */
const noteFlowFacts = (ctx: EngineContext, flow: Flow<FlowState>, event: ProtocolEvent): void => {
  const state = flow.state;
  if (event.kind === 'grpc-call' && state.protocolId === 'http2') {
    state.protocolId = 'grpc';
    if (state.observed !== undefined) state.observed.protocol = 'grpc';
  } else if (event.kind === 'tls-client-hello') {
    state.mesh = meshOf(event.sni, event.alpn) ?? state.mesh;
    sawTls(state);
  } else if (event.kind === 'tls-server-hello') sawTls(state);
  else if (event.kind === 'expected-flow') ctx.expected.add(flow, event);
  else if (event.kind === 'operation') noteOperation(ctx, state, event);
};

/**
 * A protocol's own encryption from here on, or the protocol found inside a tunnel (one more layer, outermost first),
 * or a tunnel's parser that failed (a parser error: the tunnel is no longer read, the flow's parser goes on).
 */
const noteOperation = (ctx: EngineContext, state: FlowState, event: OperationEvent): void => {
  if (event.operation === encryptedOperation) {
    state.sealed = true;
    return;
  }
  // Most operations are not a tunnel's: a test that allocates nothing comes before the one that builds a string.
  if (event.detail === undefined || !event.operation.startsWith(tunnelOperation)) return;
  if (event.operation === tunnelFailedOperation) {
    state.tunnelFailed = event.detail as ProtocolId;
    ctx.counters.parserErrors += 1;
  } else if (event.operation === `${tunnelOperation} ${event.detail}`) {
    // A tunnel reader at depth d names the layer d deep; none is read past maxTunnelDepth.
    state.tunnelled ??= [];
    if (state.tunnelled.length < maxTunnelDepth) state.tunnelled.push(event.detail as ProtocolId);
    if (state.observed !== undefined) state.observed.tunnelled = state.tunnelled;
  }
};

const sawTls = (state: FlowState): void => {
  state.tlsSeen = true;
  if (state.observed !== undefined) state.observed.tls = true;
};

/**
 * Behind trusted forwarding proxies, the client a request names, for the flow finding (ADR 31); only when the peer
 * that passed it on is one of them: the client a PROXY header named when there is one (the balancer before it relays
 * bytes and writes no header), else the connection's.
 */
const noteForwarded = (
  proxies: TrustedProxies,
  flow: Flow<FlowState>,
  l7: L7Collector,
  event: HttpRequestEvent,
): void => {
  l7.trustedPeer ??= proxies.has(proxyOrigin(flow.state)?.ip ?? flow.client.ip);
  if (l7.trustedPeer)
    l7.forwarded = tallyForwardedClient(l7.forwarded, event.headers, proxies, event.remoteAddr);
};

const handleEvent = (ctx: EngineContext, flow: Flow<FlowState>, event: ProtocolEvent): void => {
  const state = flow.state;
  ctx.counters.events += 1;
  state.l7 ??= createL7Collector();
  collectL7(state.l7, event);
  if (ctx.trustedProxies !== undefined && event.kind === 'http-request')
    noteForwarded(ctx.trustedProxies, flow, state.l7, event);
  noteFlowFacts(ctx, flow, event);
  liftBudget(ctx, state, event);
  const observed = ctx.observers.length > 0 ? observedFlow(flow) : undefined;
  if (observed !== undefined) countBytes(flow, observed);
  for (const observer of ctx.observers) {
    if (observer.onEvent === undefined || observed === undefined) continue;
    try {
      observer.onEvent(observed, event);
    } catch {
      ctx.counters.observerErrors += 1;
    }
  }
};

const failParser = (ctx: EngineContext, state: FlowState): void => {
  state.parser = undefined;
  state.parserFailed = true;
  ctx.counters.parserErrors += 1;
};

const feed = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  chunk: Uint8Array,
  ts: number,
): void => {
  const parser = flow.state.parser;
  const d = side(flow.state, direction);
  if (parser === undefined || d.done) return;
  d.parsed += chunk.length;
  let events: ProtocolEvent[];
  try {
    events = parser.parse(chunk, direction, ts);
  } catch {
    failParser(ctx, flow.state);
    return;
  }
  for (const event of events) handleEvent(ctx, flow, event);
  // After the events: one an observer reads to the end (a CONNECT tunnel's TLS record) lifts the budget.
  if (d.parsed >= d.budget) d.done = true;
};

/**
 * A chunk as it comes (not replayed from detection's prefix, whose later entries the parser has yet to read): the
 * octets its parser let pass are dropped from its front (passing.ts), the rest fed; then it may let more pass.
 */
const feedLive = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  chunk: Uint8Array,
  ts: number,
): void => {
  const d = side(flow.state, direction);
  const rest = pastPassing(d, chunk);
  if (rest === undefined) return;
  feed(ctx, flow, direction, rest, ts);
  askToPass(d, flow.state.parser, direction);
};

/**
 * Bytes of `direction` were lost: `lost` octets of it, when known (a sequence-number hole; not when detection stopped
 * keeping a side's bytes). The parser's events for what the loss cut go to the observers.
 */
const gapParser = (ctx: EngineContext, flow: Flow<FlowState>, direction: Direction, lost?: number): void => {
  const state = flow.state;
  let events: ProtocolEvent[];
  try {
    events = state.parser?.gap(direction, lost) ?? [];
  } catch {
    failParser(ctx, state);
    return;
  }
  for (const event of events) handleEvent(ctx, flow, event);
};

/**
 * Copies a chunk into the direction's prefix (growing it up to the bound); returns the octets copied, fewer than the
 * chunk's when it did not all fit. On a stream, each run of chunks from one side is one replay entry (a datagram is
 * always its own).
 */
const keep = (
  ctx: EngineContext,
  state: FlowState,
  direction: Direction,
  chunk: Uint8Array,
  ts: number,
  stream: boolean,
): number => {
  const d = side(state, direction);
  if (d.incomplete) {
    d.unkept += chunk.length;
    return 0;
  }
  const last = stream ? state.replay[state.replay.length - 1] : undefined;
  // Each run of chunks from one side is one replay entry (tiny segments must not cost an object each); a flow that
  // switches sides more often than that before detection decides stops keeping bytes.
  if (last?.direction !== direction && state.replay.length >= maxReplayEntries) {
    d.incomplete = true;
    d.unkept += chunk.length;
    return 0;
  }
  const needed = Math.min(d.prefixLength + chunk.length, ctx.limits.prefixBytes);
  if (d.prefix === undefined || d.prefix.length < needed) {
    const grown = new Uint8Array(
      Math.min(Math.max(needed, 256, (d.prefix?.length ?? 0) * 2), ctx.limits.prefixBytes),
    );
    if (d.prefix !== undefined) grown.set(d.prefix.subarray(0, d.prefixLength));
    d.prefix = grown;
  }
  const count = Math.min(chunk.length, d.prefix.length - d.prefixLength);
  if (count > 0) {
    d.prefix.set(chunk.subarray(0, count), d.prefixLength);
    if (last?.direction === direction) {
      last.end += count;
      last.ts = ts;
    } else state.replay.push({ direction, start: d.prefixLength, end: d.prefixLength + count, ts });
    d.prefixLength += count;
  }
  if (count < chunk.length) {
    d.incomplete = true;
    d.unkept += chunk.length - count;
  }
  return count;
};

const release = (state: FlowState): void => {
  for (const d of [state.toServer, state.toClient]) d.prefix = undefined;
  state.replay.length = 0;
  state.refused = noCache;
};

/** No protocol matched: keep the first bytes of each direction as hex evidence. */
export const giveUp = (ctx: EngineContext, state: FlowState): void => {
  state.phase = 'unknown';
  for (const d of [state.toServer, state.toClient]) {
    if (d.prefix !== undefined && d.prefixLength > 0)
      d.evidence = toHex(d.prefix.subarray(0, d.prefixLength), ctx.limits.evidenceBytes);
  }
  release(state);
};

/** The flow takes `protocol`: its parser starts, each direction's budget set from what observers read. */
const beginParsing = (ctx: EngineContext, state: FlowState, protocol: Protocol): void => {
  state.phase = 'parsing';
  state.protocol = protocol;
  for (const direction of ['to-server', 'to-client'] as const) {
    const d = side(state, direction);
    d.budget = ctx.budget.of(protocol, direction);
    d.done = d.budget === 0;
  }
  state.protocolId = protocol.id;
  if (state.observed !== undefined) state.observed.protocol = protocol.id;
  try {
    // Its tunnels, if it reads any, detect what they carry among the engine's protocols, as the flow was detected.
    state.parser = protocol.createParser({ tunnelDepth: 0, protocols: ctx.protocols });
  } catch {
    failParser(ctx, state);
  }
};

const startParsing = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  index: number,
  pending: PendingChunk | undefined,
): void => {
  const state = flow.state;
  const protocol = ctx.protocols[index];
  if (protocol === undefined) return;
  beginParsing(ctx, state, protocol);
  for (const entry of state.replay) {
    const d = side(state, entry.direction);
    if (d.prefix !== undefined)
      feed(ctx, flow, entry.direction, d.prefix.subarray(entry.start, entry.end), entry.ts);
  }
  if (pending !== undefined) feed(ctx, flow, pending.direction, pending.chunk, pending.ts);
  // The pending chunk is the rest of its direction's bytes; the other direction may still have lost some.
  gapOthers(ctx, flow, pending?.direction);
  release(state);
};

/**
 * A flow a control connection announced (expected-flows.ts): its protocol is known, nothing of it is detected; it is
 * read by the announced protocol's reader when there is one (announced-protocols.ts), as far as observers read it.
 */
export const announcedFlowState = (ctx: EngineContext, protocolId: ProtocolId): FlowState => {
  const state = createFlowState(false, 0);
  state.protocolId = protocolId;
  const reader = announcedProtocols[protocolId];
  if (reader !== undefined) beginParsing(ctx, state, reader);
  return state;
};

/** The flow is over: the parser tells what it still holds (ProtocolParser.end), once, and is let go. */
const endParser = (ctx: EngineContext, flow: Flow<FlowState>): void => {
  const parser = flow.state.parser;
  flow.state.parser = undefined;
  if (parser?.end === undefined) return;
  let events: ProtocolEvent[];
  try {
    events = parser.end();
  } catch {
    failParser(ctx, flow.state);
    return;
  }
  for (const event of events) handleEvent(ctx, flow, event);
};

type PendingChunk = { direction: Direction; chunk: Uint8Array; ts: number };

/**
 * Runs the detectors when worth it (detection-pacing.ts); a match starts the parser, a refusal of both sides ends.
 * `known`: the verdict on exactly the bytes kept, already asked (the flow's first chunk, detected in place).
 */
const detectTcp = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  known?: DetectionVerdict,
  rest?: PendingChunk,
): void => {
  const state = flow.state;
  const shape = detectionShape(state, ctx.limits.prefixBytes);
  if (known !== undefined || worthAsking(state, ctx.limits, shape)) {
    noteAttempt(state, shape);
    const verdict = known ?? askDetectors(ctx, state);
    if (verdict.verdict === 'match' && rest !== undefined) {
      startParsing(ctx, flow, verdict.index, rest);
      gapOthers(ctx, flow, rest.direction);
      return;
    }
    if (verdict.verdict === 'match') {
      startParsing(ctx, flow, verdict.index, undefined);
      return;
    }
    const spoke = state.toServer.prefixLength > 0 && state.toClient.prefixLength > 0;
    if (verdict.verdict === 'no-match' && spoke) {
      giveUp(ctx, state);
      return;
    }
    state.refusedOneSide = verdict.verdict === 'no-match';
  }
  if (outOfPatience(state, ctx.limits)) giveUp(ctx, state);
};

/**
 * The verdict on a TCP flow's first chunk where it lies, before any copy; undefined when this is not the first chunk,
 * or when it would not be kept whole (a gap before it, or as large as the prefix). The verdict is the one the first
 * attempt would reach on the same bytes kept, so the pacing that follows is unchanged (detectTcp's `known`).
 */
const firstChunkVerdict = (
  ctx: EngineContext,
  state: FlowState,
  direction: Direction,
  chunk: Uint8Array,
): DetectionVerdict | undefined => {
  const up = state.toServer;
  const down = state.toClient;
  if (state.attempts > 0 || up.prefixLength > 0 || down.prefixLength > 0) return undefined;
  if (side(state, direction).incomplete || chunk.length >= ctx.limits.prefixBytes) return undefined;
  const toServer = direction === 'to-server';
  return detectProtocol(ctx.protocols, {
    transport: 'tcp',
    toServer: toServer ? chunk : empty,
    toClient: toServer ? empty : chunk,
    refused: state.refused,
    fullToServer: !toServer && prefixFull(up, ctx.limits.prefixBytes),
    fullToClient: toServer && prefixFull(down, ctx.limits.prefixBytes),
  });
};

/**
 * The first chunk matched: the parser starts on it with nothing copied, as the first attempt would have started it
 * on the same bytes kept (the chunk, then a gap for a direction whose bytes were lost before it).
 */
const startInPlace = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  index: number,
  chunk: PendingChunk,
): void => {
  const state = flow.state;
  const bytes = chunk.direction === 'to-server' ? 1 : 2;
  noteAttempt(state, detectionShape(state, ctx.limits.prefixBytes) | bytes);
  state.askedBytes = chunk.chunk.length;
  startParsing(ctx, flow, index, chunk);
};

/** After a parser started on a chunk handed over whole: a gap for each direction whose kept bytes were cut. */
const gapOthers = (ctx: EngineContext, flow: Flow<FlowState>, except: Direction | undefined): void => {
  for (const direction of ['to-server', 'to-client'] as const)
    if (direction !== except && side(flow.state, direction).incomplete)
      gapParser(ctx, flow, direction, side(flow.state, direction).unkept);
};

const askDetectors = (ctx: EngineContext, state: FlowState): DetectionVerdict => {
  const up = state.toServer;
  const down = state.toClient;
  return detectProtocol(ctx.protocols, {
    transport: 'tcp',
    toServer: up.prefix?.subarray(0, up.prefixLength) ?? empty,
    toClient: down.prefix?.subarray(0, down.prefixLength) ?? empty,
    refused: state.refused,
    fullToServer: prefixFull(up, ctx.limits.prefixBytes),
    fullToClient: prefixFull(down, ctx.limits.prefixBytes),
  });
};

/** Each datagram is a whole message: detect on it alone (no refusal cache: the next datagram may differ). */
const detectUdp = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  chunk: Uint8Array,
  ts: number,
  kept: boolean,
): void => {
  const state = flow.state;
  const result = detectDatagram(ctx.protocols, chunk, direction);
  if (result.verdict === 'match')
    startParsing(ctx, flow, result.index, kept ? undefined : { direction, chunk, ts });
  else if (state.dataPackets >= ctx.limits.detectionAttempts) giveUp(ctx, state);
};

/** The flow is over (closed both ways, or ended): one last attempt on bytes no attempt saw, then `unknown`. */
const finishDetection = (ctx: EngineContext, flow: Flow<FlowState>): void => {
  const state = flow.state;
  if (state.phase !== 'detecting') return;
  if (flow.transport === 'tcp' && unasked(state)) {
    state.askedShape = -1;
    detectTcp(ctx, flow);
  }
  if (state.phase === 'detecting') giveUp(ctx, state);
};

/**
 * What the flow's end decides, once its bytes are all in (settled after both FINs, or ended by the table): detection's
 * last attempt, then the parser's last events (a last attempt may start a parser, whose end then follows).
 */
export const concludeFlow = (ctx: EngineContext, flow: Flow<FlowState>): void => {
  const held = releaseProxyHold(flow.state, 'the connection ended inside its PROXY header');
  if (held !== undefined) afterProxyHeader(ctx, flow, 'to-server', held.bytes, held.ts);
  finishDetection(ctx, flow);
  endParser(ctx, flow);
};

/** A chunk of a flow's bytes, in order, once any PROXY header is read off the client's side. */
const afterProxyHeader = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  chunk: Uint8Array,
  ts: number,
): void => {
  const state = flow.state;
  if (state.phase === 'parsing') {
    feedLive(ctx, flow, direction, chunk, ts);
    return;
  }
  if (state.phase !== 'detecting' || chunk.length === 0) return;
  state.dataPackets += 1;
  if (flow.transport === 'udp') {
    const kept = keep(ctx, state, direction, chunk, ts, false) === chunk.length;
    detectUdp(ctx, flow, direction, chunk, ts, kept);
    return;
  }
  const first = firstChunkVerdict(ctx, state, direction, chunk);
  if (first?.verdict === 'match') {
    startInPlace(ctx, flow, first.index, { direction, chunk, ts });
    return;
  }
  // A chunk larger than what is left of the prefix (a first segment past 4 KiB, on loopback or after GRO): when the
  // bytes kept decide now, the parser gets the rest of it too, rather than a gap in the middle of the message.
  const whole = !side(state, direction).incomplete;
  const kept = keep(ctx, state, direction, chunk, ts, true);
  const rest = whole && kept < chunk.length ? { direction, chunk: chunk.subarray(kept), ts } : undefined;
  detectTcp(ctx, flow, first, rest);
};

export const onFlowData = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  chunk: Uint8Array,
  ts: number,
): void => {
  if (direction !== 'to-server' || !awaitsProxyHeader(flow)) {
    afterProxyHeader(ctx, flow, direction, chunk, ts);
    return;
  }
  const rest = throughProxyHeader(flow, chunk, ts);
  if (rest !== undefined && rest.length > 0) afterProxyHeader(ctx, flow, direction, rest, ts);
};

/** `lost` octets of `direction` will never come (a hole the reassembler gave up). */
export const onFlowGap = (
  ctx: EngineContext,
  flow: Flow<FlowState>,
  direction: Direction,
  lost: number,
): void => {
  const state = flow.state;
  if (direction === 'to-server') {
    const held = releaseProxyHold(state, 'bytes were lost inside its PROXY header');
    if (held !== undefined) afterProxyHeader(ctx, flow, direction, held.bytes, held.ts);
  }
  const d = side(state, direction);
  d.gaps += 1;
  if (state.phase === 'parsing' && d.passing > 0) {
    const past = lostPastPassing(d, lost);
    if (past > 0) gapParser(ctx, flow, direction, past);
  } else if (state.phase === 'parsing') gapParser(ctx, flow, direction, lost);
  else if (state.phase === 'detecting') {
    d.incomplete = true;
    d.unkept += lost;
  }
};
