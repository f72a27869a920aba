/**
 * OpenWire's frames (activemq-client `OpenWireFormat`): a u32 size then the command, its type octet first. Each
 * side's first frame is its WIREFORMAT_INFO; once both are seen the frames use what both enabled (tight encoding, the
 * marshalling cache, one per direction); before that, loose and uncached. A frame past 64 KiB is read from its first
 * 64 KiB and the rest skipped by its size; with the size prefix turned off the frames cannot be found, so parsing stops.
 * An object message a client sends, or one the broker dispatches to it, carries its serialized body (`serialized`,
 * plain or compressed) for `insecure-deserialization`.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext, withRestClasses } from './framed-parser.ts';
import { type Command, type Encoding, readCommand } from './openwire-commands.ts';
import { objectBody } from './openwire-object-body.ts';
import type { OpenWireCache } from './openwire-objects.ts';
import { readWireFormat, type WireFormat } from './openwire-wireformat.ts';
import type { ProtocolParser } from './protocol.ts';
import { u32be } from './wire-bytes.ts';

/** The largest size taken as a frame's (ActiveMQ's maxFrameSize defaults to 100 MB). */
const maxFrame = 100 * 1024 * 1024;

const frameLength = (b: Uint8Array): number => {
  if (b.length < 4) return 0;
  const size = u32be(b, 0);
  return size === 0 || size > maxFrame ? -1 : 4 + size;
};

/** ActiveMQObjectMessage's type: its body is a Java serialized object, which every consumer's getObject() reads. */
const objectMessage = 26;
/** MessageDispatch: the broker hands a consumer a message. */
const dispatch = 21;

/** An object message a producer sends, or one the broker dispatches to this consumer. */
const carriesObject = (type: number | undefined, command: Command, direction: Direction): boolean =>
  direction === 'to-server' ? type === objectMessage : type === dispatch && command.carries === objectMessage;

export const createOpenWireParser = (): ProtocolParser => {
  const opened: Partial<Record<Direction, WireFormat>> = {};
  const caches: Record<Direction, OpenWireCache> = { 'to-server': new Map(), 'to-client': new Map() };

  const encoding = (direction: Direction): Encoding => {
    const client = opened['to-server'];
    const server = opened['to-client'];
    if (client === undefined || server === undefined) return { tight: false, cache: undefined };
    const cache = client.cache && server.cache ? caches[direction] : undefined;
    return { tight: client.tight && server.tight, cache };
  };

  const wireFormat = (frame: Uint8Array, context: FrameContext): OperationEvent[] => {
    const format = readWireFormat(frame);
    if (format === undefined) return [];
    opened[context.direction] = format;
    const other = opened[context.direction === 'to-server' ? 'to-client' : 'to-server'];
    if (other !== undefined && format.sizePrefixDisabled && other.sizePrefixDisabled) {
      context.stop('to-server');
      context.stop('to-client');
    }
    const detail = [`version=${format.version}`, ...format.properties].join(' ');
    return [event(context, 'wireformat-info', detail)];
  };

  const message = (m: Uint8Array, context: FrameContext): readonly ProtocolEvent[] => {
    const frame = m.subarray(4);
    if (frame[0] === 1) return wireFormat(frame, context);
    const command = readCommand(frame, encoding(context.direction));
    const told = event(context, command.name, command.detail);
    if (command.thrown !== undefined) told.thrown = command.thrown;
    if (carriesObject(frame[0], command, context.direction)) {
      const stream = objectBody(frame);
      if (stream !== undefined) told.serialized = stream;
      withRestClasses(told, context);
    }
    return [told];
  };

  return createFramedParser({ frame: frameLength, message, scansRest: true });
};

const event = (context: FrameContext, operation: string, detail: string | undefined): OperationEvent => {
  const told: OperationEvent = {
    kind: 'operation',
    ts: context.ts,
    direction: context.direction,
    protocol: 'openwire',
    operation,
  };
  if (detail !== undefined) told.detail = detail;
  return told;
};
