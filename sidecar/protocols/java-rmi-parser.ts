/**
 * Java RMI's JRMP stream protocol (the Java RMI specification, ch. 10). The client opens with `JRMI`, version 2 and
 * its sub-protocol; the server acknowledges (0x4E) with the address it sees the client at, and the client names its
 * own endpoint. Then the client sends messages (Call 0x50, Ping 0x52, DgcAck 0x54) and the server answers them in
 * order (Return 0x51, PingAck 0x53). A call's object stream has no length: RMI waits for each answer before the next
 * call on a connection, so a call ends where the server's answer begins (or the flow ends), and is told then, its
 * first 64 KiB kept for the detectors that judge what it would deserialize.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { type ClassScan, createClassScan, straddleOctets } from './java-class-scan.ts';
import { opensStream, readRmiCall } from './java-rmi-call.ts';
import type { ProtocolParser } from './protocol.ts';
import { joinParts, latin1 } from './wire-bytes.ts';

/** Octets of one call kept: past them the stream is counted, not kept. */
const maxCall = 64 * 1024;

/** A call being read: its first `maxCall` octets, and the classes named past them (made when the call passes them). */
type Pending = { parts: Uint8Array[]; size: number; ts: number; rest: ClassScan | undefined };

/** The exception a Return names: the first class descriptor's name in its stream. */
const exceptionClass = (b: Uint8Array): string | undefined => {
  for (let at = b.indexOf(0x72); at >= 0 && at + 3 < b.length; at = b.indexOf(0x72, at + 1))
    if (b[at - 1] === 0x73 && b[at + 1] === 0) {
      const length = b[at + 2] ?? 0;
      const name = latin1(b, at + 3, Math.min(b.length, at + 3 + length));
      if (/^[\w$.]+$/.test(name)) return name;
    }
  return undefined;
};

export const createJavaRmiParser = (): ProtocolParser => {
  /** Client side: before the header, before its endpoint, or in messages. Server side: before its ack, or after. */
  let client: 'header' | 'endpoint' | 'messages' | 'stopped' = 'header';
  let serverAcked = false;
  let call: Pending | undefined;
  let answerNext = false;

  const tell = (): ProtocolEvent[] => {
    const pending = call;
    call = undefined;
    if (pending === undefined) return [];
    const stream = joinParts(pending.parts, pending.size);
    const header = readRmiCall(stream);
    const event: OperationEvent = {
      kind: 'operation',
      ts: pending.ts,
      direction: 'to-server',
      protocol: 'rmi',
      operation: header === undefined ? 'call' : `${header.target}.${header.operation}`,
      serialized: stream,
    };
    if (header?.name !== undefined) event.detail = header.name;
    const rest = pending.rest?.names() ?? [];
    if (rest.length > 0) event.restClasses = rest;
    answerNext = true;
    return [event];
  };

  /** Keeps a call's octets up to `maxCall`; past them, scans them for the classes they name (java-class-scan.ts). */
  const keep = (data: Uint8Array): void => {
    if (call === undefined || data.length === 0) return;
    const room = Math.max(0, maxCall - call.size);
    if (room > 0) {
      const part = data.length > room ? data.subarray(0, room) : data;
      call.parts.push(part.slice());
      call.size += part.length;
    }
    if (data.length <= room) return;
    if (call.rest === undefined) {
      call.rest = createClassScan();
      // The octets before the cut again, so that a class name straddling it is found whole.
      const kept = joinParts(call.parts, call.size);
      call.rest.push(kept.subarray(Math.max(0, kept.length - straddleOctets)));
    }
    call.rest.push(data.subarray(room));
  };

  /** A message at the start of `chunk`: a Call opens a new call; Ping and DgcAck are told at once. */
  const startMessage = (chunk: Uint8Array, ts: number): ProtocolEvent[] => {
    const first = chunk[0];
    if (first === 0x50) {
      call = { parts: [], size: 0, ts, rest: undefined };
      keep(chunk.subarray(1));
      return [];
    }
    if (first !== 0x52 && first !== 0x54) {
      client = 'stopped';
      return [];
    }
    const told: ProtocolEvent[] = [
      {
        kind: 'operation',
        ts,
        direction: 'to-server',
        protocol: 'rmi',
        operation: first === 0x52 ? 'ping' : 'dgc-ack',
      },
    ];
    // A DgcAck carries the 14-octet UID it acknowledges; a message may follow in the same chunk.
    const next = first === 0x52 ? 1 : 15;
    if (chunk.length > next) told.push(...fromClient(chunk.subarray(next), ts));
    return told;
  };

  /** Client messages: a new one tells the call before it; otherwise the chunk goes on the call in hand. */
  const fromClient = (chunk: Uint8Array, ts: number): ProtocolEvent[] => {
    if (call !== undefined && !(chunk[0] === 0x50 && opensStream(chunk, 1))) {
      keep(chunk);
      return [];
    }
    const told = tell();
    told.push(...startMessage(chunk, ts));
    return told;
  };

  /** The server's answer ends the call it answers: Return (normal or exception) or PingAck. */
  const fromServer = (chunk: Uint8Array, ts: number): ProtocolEvent[] => {
    const told = tell();
    if (!answerNext || chunk[0] !== 0x51 || !opensStream(chunk, 1)) return told;
    answerNext = false;
    // TC_BLOCKDATA of 15: the return type (1 value, 2 exception) and a UID.
    const thrown = chunk[5] === 0x77 && chunk[7] === 2;
    const name = thrown ? exceptionClass(chunk.subarray(22)) : undefined;
    const event: OperationEvent = {
      kind: 'operation',
      ts,
      direction: 'to-client',
      protocol: 'rmi',
      operation: thrown ? 'exception' : 'return',
    };
    if (name !== undefined) event.detail = name;
    told.push(event);
    return told;
  };

  /** The octets of `chunk` past the client's opening (`JRMI`, version, sub-protocol) and its endpoint. */
  const pastOpening = (chunk: Uint8Array): Uint8Array => {
    if (client === 'header') {
      client = chunk.length >= 7 ? 'endpoint' : 'stopped';
      return chunk.subarray(Math.min(7, chunk.length));
    }
    // The endpoint: a UTF host (2-octet length) and an int port; a Call may follow in the same chunk.
    const end = 2 + (((chunk[0] ?? 0) << 8) | (chunk[1] ?? 0)) + 4;
    client = 'messages';
    return chunk.subarray(Math.min(end, chunk.length));
  };

  const fromClientSide = (chunk: Uint8Array, ts: number): ProtocolEvent[] => {
    let rest = chunk;
    while ((client === 'header' || client === 'endpoint') && rest.length > 0) rest = pastOpening(rest);
    return client === 'messages' && rest.length > 0 ? fromClient(rest, ts) : [];
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      if (direction === 'to-server') return fromClientSide(chunk, ts);
      if (serverAcked) return fromServer(chunk, ts);
      serverAcked = chunk[0] === 0x4e;
      return [];
    },
    gap(direction: Direction): ProtocolEvent[] {
      // A call cut by a loss is told with what was seen; the client's side then stops (its framing is lost).
      if (direction === 'to-server') client = 'stopped';
      return tell();
    },
    end: () => tell(),
  };
};
