/**
 * WebSocket (RFC 6455) after an HTTP/1.1 upgrade: frames read as they stream past, one direction each, and each
 * whole text or binary message reported with its first octets (text decoded). Fragmented messages are joined, with
 * control frames allowed between their fragments (§5.4); masks are removed (§5.3).
 *
 * permessage-deflate (RFC 7692) is read too: a compressed message is inflated with the sender's last 32 KiB of
 * output as the dictionary, which is what "context takeover" means, unless the handshake said that sender starts
 * afresh each message. A compressed message too large to hold, or whose output passes the bound, loses the context:
 * later compressed messages from that side are reported without their text (docs/protocols.md).
 */
import { constants, inflateRawSync } from 'node:zlib';
import type { Direction, Header, ProtocolEvent, WebsocketMessageEvent } from '../events.ts';
import { msgpackStrings } from './msgpack-strings.ts';
import type { WebsocketDeflate } from './websocket-deflate.ts';
import { joinParts, utf8Text } from './wire-bytes.ts';

/**
 * Octets of a message's payload kept for its event: what the threat detectors judge, as much as of a request body
 * (ADR 33); a longer text message is reported by `uninspected-body`.
 */
export const websocketKeptBytes = 64 * 1024;
/** A compressed message is inflated only when its compressed form is at most this long… */
const maxCompressed = 256 * 1024;
/** …and its output at most this long (a bomb costs no more than this). */
const maxInflated = 1024 * 1024;
/** The deflate window (RFC 1951): the most a later message can refer back to. */
const windowBytes = 32 * 1024;
const syncTail = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
const utf8 = new TextDecoder('utf-8', { fatal: false });

type Message = { opcode: number; compressed: boolean; parts: Uint8Array[]; kept: number; length: number };

type Frame = {
  opcode: number;
  fin: boolean;
  left: number;
  mask: Uint8Array | undefined;
  maskAt: number;
  /** Control frames (≤ 125 octets) are read whole but report nothing. */
  control: boolean;
};

export type WebsocketReader = {
  /**
   * Reads frames from the next chunk of this direction; the events of the messages it completed, each followed by
   * what the carrier made of it.
   */
  read(chunk: Uint8Array, ts: number): ProtocolEvent[];
  /** The framing was broken (a reserved opcode or bit, a stray continuation): nothing more is read. */
  readonly failed: boolean;
};

const opcodeNames: Record<number, WebsocketMessageEvent['opcode']> = { 1: 'text', 2: 'binary' };

/** Where the frame header starting at `b[0]` ends (2 to 14 octets), or 0 while it is incomplete. */
const headerLength = (b: Uint8Array, have: number): number => {
  if (have < 2) return 0;
  const len7 = (b[1] as number) & 0x7f;
  const total = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((b[1] as number) & 0x80 ? 4 : 0);
  return have >= total ? total : 0;
};

const payloadLength = (b: Uint8Array): number => {
  const len7 = (b[1] as number) & 0x7f;
  if (len7 === 126) return ((b[2] as number) << 8) | (b[3] as number);
  if (len7 !== 127) return len7;
  // 64 bits, most significant bit 0 (§5.2); past 2^53 is no real message and is refused below.
  const high =
    ((b[2] as number) << 24) | ((b[3] as number) << 16) | ((b[4] as number) << 8) | (b[5] as number);
  const low =
    ((b[6] as number) << 24) | ((b[7] as number) << 16) | ((b[8] as number) << 8) | (b[9] as number);
  return (high >>> 0) * 2 ** 32 + (low >>> 0);
};

/**
 * Strings of a binary message listed with their paths, as many as a request's inputs (a message is judged like a
 * request); the others follow as one, `(rest)`, a line each (ADR 35).
 */
const maxBinaryStrings = 256;
/**
 * A binary message that is UTF-8 text is reported as text (some clients send JSON in binary frames); one that is
 * MessagePack (socket.io's msgpack parser, SignalR's MessagePack hub protocol) gives its strings with their paths.
 */
const readBinary = (event: WebsocketMessageEvent, bytes: Uint8Array, cut: boolean): void => {
  if (bytes.length === 0) return;
  const text = utf8Text(bytes);
  if (text !== undefined) {
    event.text = text;
    return;
  }
  const strings = msgpackStrings(bytes, maxBinaryStrings, cut);
  if (strings !== undefined) event.strings = strings;
};

/**
 * What reads each whole message's payload besides its event (websocket-inner.ts): its first `websocketKeptBytes`
 * (inflated when compressed), and how many octets past them were not kept; `payload` undefined, and `lost` with it,
 * when a compressed message could not be inflated.
 */
export type WebsocketCarrier = (
  payload: Uint8Array | undefined,
  lost: number | undefined,
  ts: number,
) => ProtocolEvent[];

/**
 * `forwarding`: the upgrade request's forwarding headers (ADR 31), handed to every message event as they are (one
 * list for the connection, no copy per message); undefined when it had none. `carrier`: what the subprotocol carries.
 */
export const createWebsocketReader = (
  direction: Direction,
  deflate: WebsocketDeflate,
  forwarding?: readonly Header[],
  carrier?: WebsocketCarrier,
): WebsocketReader => {
  const header = new Uint8Array(14);
  let have = 0;
  let frame: Frame | undefined;
  let message: Message | undefined;
  let window = new Uint8Array(0);
  let contextLost = false;
  let failed = false;

  /** The header is whole: check it against §5.2 and §5.4, and start its frame. */
  const startFrame = (length: number): void => {
    const b0 = header[0] as number;
    const opcode = b0 & 0x0f;
    const rsv1 = (b0 & 0x40) !== 0;
    const fin = (b0 & 0x80) !== 0;
    const control = opcode >= 8;
    const size = payloadLength(header);
    const bad =
      (b0 & 0x30) !== 0 ||
      (opcode > 2 && opcode < 8) ||
      opcode > 10 ||
      size > Number.MAX_SAFE_INTEGER ||
      (control && (!fin || size > 125 || rsv1)) ||
      (opcode === 0 && (message === undefined || rsv1)) ||
      (opcode !== 0 && !control && message !== undefined) ||
      (rsv1 && !deflate.on);
    if (bad) {
      failed = true;
      return;
    }
    const masked = ((header[1] as number) & 0x80) !== 0;
    frame = {
      opcode,
      fin,
      left: size,
      mask: masked ? header.slice(length - 4, length) : undefined,
      maskAt: 0,
      control,
    };
    if (!control && opcode !== 0) message = { opcode, compressed: rsv1, parts: [], kept: 0, length: 0 };
  };

  /** Unmasked payload octets of the current frame, kept while the message is under its bound. */
  const take = (f: Frame, bytes: Uint8Array): void => {
    const m = message;
    if (f.control || m === undefined) return;
    m.length += bytes.length;
    const bound = m.compressed ? maxCompressed + 1 : websocketKeptBytes;
    const keep = Math.min(bytes.length, Math.max(0, bound - m.kept));
    if (keep === 0) return;
    const part = bytes.slice(0, keep);
    if (f.mask !== undefined)
      for (let i = 0; i < keep; i++) part[i] = (part[i] as number) ^ (f.mask[(f.maskAt + i) & 3] as number);
    m.parts.push(part);
    m.kept += keep;
  };

  /** The message's inflated octets, or undefined when they cannot be had (the context is then lost for good). */
  const inflate = (m: Message): Uint8Array | undefined => {
    if (contextLost || m.kept > maxCompressed) {
      contextLost ||= !deflate.noContextTakeover;
      return undefined;
    }
    const input = new Uint8Array(m.kept + syncTail.length);
    input.set(joinParts(m.parts, m.kept));
    input.set(syncTail, m.kept);
    try {
      const output = inflateRawSync(input, {
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: maxInflated,
        ...(deflate.noContextTakeover || window.length === 0 ? {} : { dictionary: window }),
      });
      if (!deflate.noContextTakeover) {
        const next = new Uint8Array(Math.min(windowBytes, window.length + output.length));
        const fromWindow = next.length - Math.min(output.length, next.length);
        next.set(window.subarray(window.length - fromWindow), 0);
        next.set(output.subarray(output.length - (next.length - fromWindow)), fromWindow);
        window = next;
      }
      return output;
    } catch {
      contextLost ||= !deflate.noContextTakeover;
      return undefined;
    }
  };

  const messageEvent = (
    m: Message,
    opcode: WebsocketMessageEvent['opcode'],
    bytes: Uint8Array | undefined,
    ts: number,
  ): WebsocketMessageEvent => {
    const event: WebsocketMessageEvent = {
      kind: 'websocket-message',
      ts,
      direction,
      opcode,
      length: m.compressed && bytes !== undefined ? bytes.length : m.length,
      compressed: m.compressed,
      forwarding,
    };
    if (bytes === undefined) return event;
    const kept = bytes.subarray(0, websocketKeptBytes);
    if (opcode === 'text') event.text = utf8.decode(kept);
    else readBinary(event, kept, kept.length < (m.compressed ? bytes.length : m.length));
    return event;
  };

  /** The message's event, then what the carrier made of its payload. */
  const finishMessage = (m: Message, ts: number, out: ProtocolEvent[]): void => {
    const opcode = opcodeNames[m.opcode] ?? 'binary';
    const bytes = m.compressed ? inflate(m) : joinParts(m.parts, m.kept);
    out.push(messageEvent(m, opcode, bytes, ts));
    if (carrier === undefined) return;
    const kept = bytes?.subarray(0, websocketKeptBytes);
    const whole = m.compressed ? bytes?.length : m.length;
    out.push(
      ...carrier(kept, kept === undefined || whole === undefined ? undefined : whole - kept.length, ts),
    );
  };

  /** Consumes octets of `chunk` from `at`: a header piece or payload. Returns the new offset. */
  const step = (chunk: Uint8Array, at: number, ts: number, out: ProtocolEvent[]): number => {
    if (frame === undefined) {
      const piece = Math.min(chunk.length - at, header.length - have);
      header.set(chunk.subarray(at, at + piece), have);
      const length = headerLength(header, have + piece);
      if (length === 0) {
        have += piece;
        return at + piece;
      }
      const used = length - have;
      have = 0;
      startFrame(length);
      return at + used;
    }
    const bytes = chunk.subarray(at, at + Math.min(frame.left, chunk.length - at));
    take(frame, bytes);
    frame.left -= bytes.length;
    frame.maskAt += bytes.length;
    if (frame.left === 0) {
      if (!frame.control && frame.fin && message !== undefined) {
        finishMessage(message, ts, out);
        message = undefined;
      }
      frame = undefined;
    }
    return at + bytes.length;
  };

  return {
    read(chunk, ts) {
      const out: ProtocolEvent[] = [];
      let at = 0;
      // Each step consumes at least one octet or completes a header, so the loop ends.
      for (let guard = 0; guard <= chunk.length * 2 + 2 && !failed; guard++) {
        if (at >= chunk.length && !(frame !== undefined && frame.left === 0)) break;
        at = step(chunk, at, ts, out);
      }
      return out;
    },
    get failed() {
      return failed;
    },
  };
};
