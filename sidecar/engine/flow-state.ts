/** What the engine keeps per flow: detection prefixes, the chosen protocol's parser, reassembly, the L7 summary. */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { ObservedFlow } from '../engine-observer.ts';
import type { Direction } from '../events.ts';
import type { Protocol, ProtocolParser } from '../protocols/protocol.ts';
import type { StreamReassembler } from '../reassembly/stream-reassembler.ts';
import type { L7Collector } from './l7-collector.ts';
import type { Mesh } from './mesh-of.ts';
import type { ProxyHeader } from './proxy-header.ts';
import type { ReceiverView } from './receiver-view.ts';

/** detecting → parsing (a protocol matched) or unknown (none did); `none` for transports without detection. */
export type Phase = 'detecting' | 'parsing' | 'unknown' | 'none';

export type DirectionState = {
  reassembler: StreamReassembler | undefined;
  /** First bytes of this direction (allocated while detecting, released after). */
  prefix: Uint8Array | undefined;
  prefixLength: number;
  /** Bytes of this direction were not kept for detection (prefix full, or a gap): the parser must resynchronise. */
  incomplete: boolean;
  /**
   * How many octets of this direction were not kept while detecting (past the prefix, or lost in a hole): the parser
   * is told that many were lost, so one framed by length can skip them and stay in frame (ADR 34).
   */
  unkept: number;
  /** Hex of the first bytes, kept when the flow stays unknown. */
  evidence: string | undefined;
  gaps: number;
  /** Bytes of this direction handed to the parser. */
  parsed: number;
  /** Bytes of this direction to parse (set when a protocol matches, from what observers read; see parse-budget.ts). */
  budget: number;
  /** The parser is done with this direction (budget reached): no more reassembly or parsing. */
  done: boolean;
  /** Octets next in this direction the parser let pass unread (ProtocolParser.pass): reassembled, handed to nobody. */
  passing: number;
  /** The sender's next sequence number, from every segment it sent (reset-check.ts). */
  nextSeq: number;
  seqKnown: boolean;
  /** The receiver's last cumulative ACK for this direction (-1: none seen): what it expects next from the sender. */
  peerAck: number;
  /** Resets from this direction's sender with a sequence number the receiver would drop. */
  ignoredResets: number;
  /** The sender's timestamp on its last in-order segment (-1: none yet), and segments dropped as older (paws.ts). */
  tsRecent: number;
  pawsDrops: number;
  /** The sender's SYN sequence number, once seen (-1 before), and whether it has sent a segment without SYN since. */
  isn: number;
  pastSyn: boolean;
  /** Segments the receiver discards for their flags (data without ACK; data on a SYN that is not the sender's). */
  badFlags: number;
  /** The sender's checksums have been valid at least once, and segments dropped since for a bad one (checksum-check.ts). */
  checksumsVerified: boolean;
  badChecksums: number;
  /** Unfinished (offloaded) checksums in a row from this sender (checksum-check.ts). */
  offloadedRun: number;
  /** What a capture at the receiver tells of this direction (receiver-view.ts); undefined in any other capture. */
  view: ReceiverView | undefined;
};

/**
 * The client side's PROXY header (proxy-header.ts): the bytes held while it is incomplete, the header once read, or
 * the rule it broke. Undefined until the client's first bytes; `noProxyHeader` for the flows that have none.
 */
export type ProxyState = { held?: Uint8Array; heldTs?: number; header?: ProxyHeader; problem?: string };

/** The state of every flow whose client did not begin with a PROXY header (shared: never written to). */
export const noProxyHeader: ProxyState = Object.freeze({});

/** One chunk kept for replay into the parser once a protocol matches, in arrival order across directions. */
export type Replay = { direction: Direction; start: number; end: number; ts: number };

export type FlowState = {
  phase: Phase;
  protocol: Protocol | undefined;
  protocolId: ProtocolId;
  parser: ProtocolParser | undefined;
  toServer: DirectionState;
  toClient: DirectionState;
  replay: Replay[];
  dataPackets: number;
  /** Detection attempts so far, and what the last one saw (detection-pacing.ts). */
  attempts: number;
  askedBytes: number;
  askedShape: number;
  /** The last attempt: every detector refused the direction that spoke, and the other has not spoken. */
  refusedOneSide: boolean;
  /** Per protocol (registry index): bit 1 = said no-match to-server, bit 2 = no-match to-client (TCP only). */
  refused: Uint8Array;
  l7: L7Collector | undefined;
  mesh: Mesh | undefined;
  /** A TLS handshake was read on the flow: its own, or after STARTTLS, an SSLRequest, a CONNECT (flow-finding `encrypted`). */
  tlsSeen: boolean;
  /** The protocols read inside the flow's tunnels (`tunnelOperation`), one per layer, outermost first. */
  tunnelled: ProtocolId[] | undefined;
  /** A tunnel's parser threw (`tunnelFailedOperation`): its protocol. The tunnel's reading stopped, not the flow's. */
  tunnelFailed: ProtocolId | undefined;
  /** The protocol said what follows is encrypted by itself (`encryptedOperation`: PostgreSQL's GSSAPI encryption). */
  sealed: boolean;
  /** The parser threw: it is dropped and the flow counted; the tap keeps going. */
  parserFailed: boolean;
  observed: ObservedFlow | undefined;
  snapped: boolean;
  /** FIN seen: bit 1 to-server, bit 2 to-client. */
  fins: number;
  proxy: ProxyState | undefined;
};

const direction = (): DirectionState => ({
  reassembler: undefined,
  prefix: undefined,
  prefixLength: 0,
  incomplete: false,
  unkept: 0,
  evidence: undefined,
  gaps: 0,
  parsed: 0,
  budget: Number.POSITIVE_INFINITY,
  done: false,
  passing: 0,
  nextSeq: 0,
  seqKnown: false,
  peerAck: -1,
  ignoredResets: 0,
  tsRecent: -1,
  pawsDrops: 0,
  isn: -1,
  pastSyn: false,
  badFlags: 0,
  checksumsVerified: false,
  badChecksums: 0,
  offloadedRun: 0,
  view: undefined,
});

export const createFlowState = (detect: boolean, protocolCount: number): FlowState => ({
  phase: detect ? 'detecting' : 'none',
  protocol: undefined,
  protocolId: 'unknown',
  parser: undefined,
  toServer: direction(),
  toClient: direction(),
  replay: [],
  dataPackets: 0,
  attempts: 0,
  askedBytes: 0,
  askedShape: 0,
  refusedOneSide: false,
  refused: new Uint8Array(detect ? protocolCount : 0),
  l7: undefined,
  mesh: undefined,
  tlsSeen: false,
  tunnelled: undefined,
  tunnelFailed: undefined,
  sealed: false,
  parserFailed: false,
  observed: undefined,
  snapped: false,
  fins: 0,
  proxy: undefined,
});
