/**
 * T3's two phases per direction: the handshake's text lines (t3-handshake.ts), then length-prefixed messages
 * (t3-message.ts), each read from its first 64 KiB. Every message is told as an operation named by its command, its
 * detail the classes its serialization streams name; a client's carries its streams (from the first `AC ED 00 05`)
 * for `insecure-deserialization`, which judges what they would build.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { handshakeLength, readHandshake } from './t3-handshake.ts';
import { readT3Message } from './t3-message.ts';
import { u32be } from './wire-bytes.ts';

/** The largest message taken as one (WebLogic's MaxMessageSize defaults to 10,000,000 and may be raised). */
const maxMessage = 100 * 1024 * 1024;
/** The length prefix and the command: the least a message holds. */
const minMessage = 5;

const event = (context: FrameContext, operation: string, detail: string): OperationEvent => {
  const told: OperationEvent = {
    kind: 'operation',
    ts: context.ts,
    direction: context.direction,
    protocol: 't3',
    operation,
  };
  if (detail !== '') told.detail = detail;
  return told;
};

/**
 * A client message's streams for insecure-deserialization: from the first `AC ED 00 05` kept, and the classes named
 * past the kept octets (java-class-scan.ts), which tell streams that begin only there.
 */
const carryStreams = (
  told: OperationEvent,
  firstStream: number,
  m: Uint8Array,
  context: FrameContext,
): void => {
  const rest = context.restClasses ?? [];
  if (firstStream < 0 && rest.length === 0) return;
  told.serialized = firstStream >= 0 ? m.slice(firstStream) : new Uint8Array(0);
  if (rest.length > 0) told.restClasses = rest;
};

export const createT3Parser = (): ProtocolParser => {
  const shaken: Record<Direction, boolean> = { 'to-server': false, 'to-client': false };

  const frame = (b: Uint8Array, direction: Direction): number => {
    if (!shaken[direction]) return handshakeLength(b);
    if (b.length < 4) return 0;
    const length = u32be(b, 0);
    return length < minMessage || length > maxMessage ? -1 : length;
  };

  const message = (m: Uint8Array, context: FrameContext): readonly ProtocolEvent[] => {
    if (!shaken[context.direction]) {
      shaken[context.direction] = true;
      const hello = readHandshake(m);
      if (hello === undefined) context.stop(context.direction);
      // A refused client gets nothing more from the server: the connection ends.
      return hello === undefined ? [] : [event(context, hello.operation, hello.detail)];
    }
    const read = readT3Message(m);
    const told = event(context, read.command, read.classes.join(', '));
    if (context.direction === 'to-server') carryStreams(told, read.firstStream, m, context);
    return [told];
  };

  return createFramedParser({ frame, message, scansRest: true });
};
