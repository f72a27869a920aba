/**
 * The datagrams between a SOCKS 5 client and its proxy's UDP relay (RFC 1928 §7), each behind a header naming where
 * it goes or came from (socks-udp-header.ts). The flow is announced by the UDP ASSOCIATE's reply on the TCP connection
 * (socks.ts, expected-flows.ts), and detected on its own when picked up later: a header with no fragment whose data
 * another UDP protocol's detector takes. The parser tells each destination once (`relay host:port`), each
 * fragment (not reassembled), and reads each destination's data as its protocol (socks-udp-inner.ts).
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import { detectDatagram } from '../engine/detect-protocol.ts';
import type { Direction, ProtocolEvent } from '../events.ts';
import { type Out, pushOperation } from './handshake-read.ts';
import type { Detection, ParserContext, Protocol, ProtocolParser } from './protocol.ts';
import { readSocksUdpHeader } from './socks-udp-header.ts';
import { createDatagramInner, type DatagramInner } from './socks-udp-inner.ts';
import { parserContext } from './tunnel-protocols.ts';

/** Destinations told and read per flow; datagrams to others are counted in one operation, not read. */
export const maxRelayTargets = 16;

/** The registry without the relay's own detector (a header inside a header is not taken on sight), built once. */
const innerOf = new WeakMap<readonly Protocol[], readonly Protocol[]>();
const innerProtocols = (): readonly Protocol[] => {
  const all = parserContext().protocols;
  let inner = innerOf.get(all);
  if (inner === undefined) {
    inner = all.filter((protocol) => protocol.detect !== detectSocksDatagram);
    innerOf.set(all, inner);
  }
  return inner;
};

/** Whether some UDP protocol's detector takes the relayed data (the registry's: a detector is given no engine). */
const innerVerdict = (data: Uint8Array, direction: Direction): Detection =>
  detectDatagram(innerProtocols(), data, direction).verdict;

/** Strict: both reserved octets zero, no fragment, a valid address and port, and data another protocol takes. */
export const detectSocksDatagram = (bytes: Uint8Array, direction: Direction): Detection => {
  const header = readSocksUdpHeader(bytes);
  if (header === 'short') return 'need-more';
  if (header === undefined || header.fragment !== 0) return 'no-match';
  if (bytes.length === header.size) return 'need-more';
  return innerVerdict(bytes.subarray(header.size), direction);
};

type Relay = {
  context: ParserContext;
  targets: Map<string, DatagramInner>;
  told: Set<ProtocolId>;
  /** Datagrams to destinations past `maxRelayTargets`, and datagrams with no header; each told once. */
  untold: boolean;
  unreadable: boolean;
};

const operation = (out: Out, direction: Direction, name: string, detail: string): void =>
  pushOperation(out, 'socks', direction, name, detail);

/** The destination's reader, created (and the destination told) the first time it is seen; undefined past the bound. */
const targetOf = (relay: Relay, key: string, direction: Direction, out: Out): DatagramInner | undefined => {
  const known = relay.targets.get(key);
  if (known !== undefined) return known;
  if (relay.targets.size >= maxRelayTargets) {
    if (!relay.untold) operation(out, direction, 'relay', `more than ${maxRelayTargets} targets`);
    relay.untold = true;
    return undefined;
  }
  const inner = createDatagramInner('socks', relay.context, relay.told);
  relay.targets.set(key, inner);
  // The destination in the operation's name, so the flow's summary lists where the relay sent (its `operations`).
  operation(out, direction, `relay ${key}`, `target=${key}`);
  return inner;
};

const readDatagram = (relay: Relay, datagram: Uint8Array, direction: Direction, out: Out): void => {
  const header = readSocksUdpHeader(datagram);
  if (header === undefined || header === 'short') {
    if (!relay.unreadable) operation(out, direction, 'malformed', 'a datagram without a SOCKS UDP header');
    relay.unreadable = true;
    return;
  }
  const key = `${header.host.slice(0, 255)}:${header.port}`;
  const inner = targetOf(relay, key, direction, out);
  // A fragment is one piece of a datagram reassembled by its receiver (§7): told, not reassembled, not read.
  if (header.fragment !== 0) {
    operation(
      out,
      direction,
      'fragment',
      `position=${header.fragment & 0x7f}${header.fragment & 0x80 ? ' last' : ''} target=${key}`,
    );
    return;
  }
  if (inner !== undefined) out.events.push(...inner.parse(datagram.subarray(header.size), direction, out.ts));
};

const createSocksDatagramParser = (context?: ParserContext): ProtocolParser => {
  const relay: Relay = {
    context: parserContext(context),
    targets: new Map(),
    told: new Set(),
    untold: false,
    unreadable: false,
  };
  return {
    parse(datagram, direction, ts) {
      const out: Out = { events: [], ts };
      readDatagram(relay, datagram, direction, out);
      return out.events;
    },
    // Datagrams are whole: nothing is lost inside one.
    gap: () => [],
    end() {
      const out: ProtocolEvent[] = [];
      for (const inner of relay.targets.values()) out.push(...inner.end());
      return out;
    },
  };
};

export const socksDatagrams: Protocol = {
  id: 'socks',
  transport: 'udp',
  ports: [],
  encrypted: false,
  detect: detectSocksDatagram,
  createParser: createSocksDatagramParser,
};
