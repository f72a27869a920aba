/** DNS (RFC 1035) over UDP, and over TCP with the two-octet length prefix (§4.2.2). */
import type { Direction, ProtocolEvent } from '../events.ts';
import { dnsMessageEvent } from './dns-event.ts';
import { type DnsMessage, parseDnsMessage, plausibleDnsHeader, readDnsHeader } from './dns-message.ts';
import type { Detection, Protocol } from './protocol.ts';

const maxTcpBuffer = 65536 + 2;

/**
 * A complete, fully parsed message. Either kind is accepted in either direction: a capture that starts
 * with a response orients the flow backwards, and the header checks already differ per kind.
 */
const isMessage = (parsed: DnsMessage | undefined, length: number): boolean =>
  parsed !== undefined && parsed.end === length;

/** TCP framing: the length prefix, then a header that is already plausible on the bytes we have. */
const detectTcp = (b: Uint8Array): Detection => {
  if (b.length < 2) return 'need-more';
  const length = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  if (length < 12) return 'no-match';
  const msg = b.subarray(2, 2 + length);
  if (msg.length === length) return isMessage(parseDnsMessage(msg), length) ? 'match' : 'no-match';
  if (msg.length < 12) return 'need-more';
  return plausibleDnsHeader(readDnsHeader(msg)) ? 'need-more' : 'no-match';
};

const detectDns = (bytes: Uint8Array): Detection =>
  isMessage(parseDnsMessage(bytes), bytes.length) ? 'match' : detectTcp(bytes);

type Framing = 'unknown' | 'udp' | 'tcp';

/**
 * Decides UDP vs TCP on the first bytes: a datagram parses whole; TCP starts with a length prefix. A whole strict
 * parse is also what the lenient parse of that datagram gives (a plausible header, every section read), so it is
 * handed back for the first event.
 */
const decideFraming = (chunk: Uint8Array): { framing: Framing; parsed?: DnsMessage } => {
  const parsed = parseDnsMessage(chunk);
  if (parsed !== undefined && isMessage(parsed, chunk.length)) return { framing: 'udp', parsed };
  return { framing: detectTcp(chunk) === 'no-match' ? 'udp' : 'tcp' };
};

const createDnsParser = () => {
  let framing: Framing = 'unknown';
  const pending = { 'to-server': new Uint8Array(0), 'to-client': new Uint8Array(0) };
  const stopped = { 'to-server': false, 'to-client': false };

  const udp = (chunk: Uint8Array, direction: Direction, ts: number, strict?: DnsMessage): ProtocolEvent[] => {
    const parsed = strict ?? parseDnsMessage(chunk, false);
    return parsed ? [dnsMessageEvent(parsed, chunk.length, direction, ts, 'udp')] : [];
  };

  const tcp = (chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const out: ProtocolEvent[] = [];
    const merged = new Uint8Array(pending[direction].length + chunk.length);
    merged.set(pending[direction]);
    merged.set(chunk, pending[direction].length);
    let b: Uint8Array = merged;
    while (b.length >= 2) {
      const length = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
      if (b.length < 2 + length) break;
      const parsed = parseDnsMessage(b.subarray(2, 2 + length), false);
      if (parsed) out.push(dnsMessageEvent(parsed, length, direction, ts, 'tcp'));
      b = b.subarray(2 + length);
    }
    pending[direction] = b.length > maxTcpBuffer ? new Uint8Array(0) : b.slice();
    return out;
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      if (stopped[direction]) return [];
      let first: DnsMessage | undefined;
      if (framing === 'unknown') ({ framing, parsed: first } = decideFraming(chunk));
      return framing === 'udp' ? udp(chunk, direction, ts, first) : tcp(chunk, direction, ts);
    },
    gap(direction: Direction): void {
      // TCP: message boundaries are lost with the bytes (there is no marker to resync on).
      if (framing !== 'udp') stopped[direction] = true;
    },
  };
};

export const dns: Protocol = {
  id: 'dns',
  transport: 'both',
  ports: [53, 5353],
  encrypted: false,
  detect: detectDns,
  createParser: createDnsParser,
};
