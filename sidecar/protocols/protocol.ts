/** The protocol seam: detect from the first bytes (tri-state), then parse a stream into events. */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Direction, ProtocolEvent } from '../events.ts';

export type Detection = 'match' | 'no-match' | 'need-more';

/** A per-flow parser. TCP: chunks are reassembled, in order, per direction. UDP: one datagram per call. */
export type ProtocolParser = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  /**
   * Bytes were lost in this direction (reassembly gap): resynchronise or stop parsing it. `lost`, when known, is how
   * many octets the receiver read that never reached the parser, so a parser inside a message of known length can
   * skip them and stay in frame (ADR 34). The events returned are for what the loss cut (a message told with what was
   * seen of it); parsers with none to tell return nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a parser with nothing to tell still returns nothing at all.
  gap(direction: Direction, lost?: number): ProtocolEvent[] | void;
  /**
   * The flow is over (closed both ways and read to its end, or ended by the table): the events for what the parser
   * still holds, such as the first octets of a file shorter than it waits for. Called at most once, last.
   */
  end?(): ProtocolEvent[];
  /**
   * Octets next in `direction` the parser would only count (a download's body past what it keeps), taken as read now:
   * the engine hands them to nobody and the parser's next chunk is what follows them; 0 when none, Infinity when
   * nothing after them is read (ADR 58). Asked after each chunk the engine reads as it comes.
   */
  pass?(direction: Direction): number;
};

/**
 * What a parser is created with: how deep in tunnels it reads, and the protocols a tunnel's inner protocol is
 * detected among. The engine gives its own (`EngineOptions.protocols`), so a tunnel never finds a protocol the flow
 * could not have been found as; parsers that read no tunnel ignore it.
 */
export type ParserContext = {
  /** How many tunnels the flow's octets are read inside: 0 for the flow itself. */
  tunnelDepth: number;
  /** The engine's protocols, in its detection order. */
  protocols: readonly Protocol[];
};

export type Protocol = {
  id: ProtocolId;
  transport: 'tcp' | 'udp' | 'both';
  /** Ports it is usually seen on: a reporting hint only, never used to decide. */
  ports: readonly number[];
  /** True when the payload after the handshake is encrypted (TLS, SSH). */
  encrypted: boolean;
  /** The protocol never answers (syslog and StatsD over UDP): one direction is the whole conversation. */
  oneWay?: boolean;
  /**
   * The directions whose events feed the flow's L7 summary, when not both (Redis replies only tell observers
   * about authentication). With no observer reading events, the engine neither reassembles nor parses the others.
   */
  summaryDirections?: readonly Direction[];
  /**
   * Looks at the first bytes seen in one direction of a flow (up to a few KiB).
   * `match` only when the bytes are this protocol's; `need-more` when a longer prefix could decide.
   */
  detect(bytes: Uint8Array, direction: Direction): Detection;
  /**
   * A parser that reads a tunnel's inner protocol (HTTP/1 CONNECT, SOCKS) detects it among `context.protocols` and
   * creates its parser one tunnel deeper, with the same protocols; past a bound it reads nothing (tunnel-inner.ts).
   * Without a context (a parser made outside an engine): the flow itself, its tunnels read with the whole registry.
   */
  createParser(context?: ParserContext): ProtocolParser;
};
