/**
 * Streaming Gearman parser: one operation event a binary packet, named by its type and, where it has one, the
 * function (`SUBMIT_JOB reverse`, `CAN_DO reverse`, `JOB_ASSIGN reverse`). A job's data, submitted by a client
 * (SUBMIT_JOB and its variants) or handed to a worker (JOB_ASSIGN, JOB_ASSIGN_UNIQ, JOB_ASSIGN_ALL), is the event's
 * `serialized`, its first 64 KiB: workers deserialize it (pickles, PHP `serialize()`, Java streams), and
 * insecure-deserialization judges it. A packet that is not binary (the text admin protocol, or bytes out of frame)
 * stops the direction.
 */
import type { OperationEvent, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext, withRestClasses } from './framed-parser.ts';
import { gearmanHeaderLength, opensMagic, readGearmanHeader } from './gearman-packet.ts';
import type { ProtocolParser } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

const maxName = 128;
/** A job's octets kept for the detectors: its first 64 KiB. */
const maxJob = 64 * 1024;

const frameLength = (b: Uint8Array, direction: FrameContext['direction']): number => {
  const request = direction === 'to-server';
  if (!opensMagic(b, request)) return -1;
  if (b.length < gearmanHeaderLength) return 0;
  const header = readGearmanHeader(b, request);
  return header === undefined ? -1 : gearmanHeaderLength + header.length;
};

/** The packet's arguments before its data, and where its data starts (the end when one is missing). */
const fieldsOf = (m: Uint8Array, count: number): { fields: string[]; data: number } => {
  const fields: string[] = [];
  let at = gearmanHeaderLength;
  while (fields.length < count) {
    const nul = m.indexOf(0, at);
    const end = nul < 0 ? m.length : nul;
    fields.push(latin1(m, at, Math.min(end, at + maxName)));
    at = nul < 0 ? m.length : nul + 1;
  }
  return { fields, data: at };
};

/** Types whose first argument is a function name; JOB_ASSIGN* name it second (after the handle). */
const namedFirst = /^(?:CAN_DO|CANT_DO|CAN_DO_TIMEOUT|SUBMIT_)/;
const assigned = /^JOB_ASSIGN/;

/** Printable text of at most `maxName` octets, else its size: a handle, a name, an echoed or error text. */
const shown = (m: Uint8Array, from: number): string => {
  const text = latin1(m, from, Math.min(m.length, from + maxName));
  return /^[\x20-\x7e]*$/.test(text) ? text : `${m.length - from} bytes`;
};

/** The operation and detail of a packet: `all` holds its arguments and, last, its data shown. */
const describe = (name: string, all: readonly string[], count: number, size: number): [string, string] => {
  const sized = `${size} bytes`;
  if (name.startsWith('SUBMIT_')) {
    const when = all.slice(2, count).join(' ');
    return [`${name} ${all[0]}`, `unique ${all[1] || '-'}, ${sized}${when === '' ? '' : `, at ${when}`}`];
  }
  if (namedFirst.test(name)) return [`${name} ${all[0]}`, all.slice(1).join(' ')];
  if (assigned.test(name)) {
    const unique = count >= 3 ? `, unique ${all[2]}` : '';
    return [`${name} ${all[1]}`, `handle ${all[0]}${unique}, ${sized}`];
  }
  // WORK_COMPLETE, WORK_DATA, WORK_EXCEPTION, WORK_WARNING: the handle and the result's size; the rest as they are.
  if (name.startsWith('WORK_') && count === 1) return [name, `handle ${all[0]}, ${sized}`];
  return [name, all.join(' ')];
};

const message = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const header = readGearmanHeader(m, ctx.direction === 'to-server');
  if (header === undefined) return [];
  const { name, fields: count } = header.type;
  const { fields, data } = fieldsOf(m, count);
  const size = Math.max(0, gearmanHeaderLength + header.length - data);
  const all = header.length === 0 ? fields : [...fields, shown(m, data)];
  const [operation, detail] = describe(name, all, count, size);
  const event: OperationEvent = {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'gearman',
    operation,
  };
  if (detail !== '') event.detail = detail;
  if (name.startsWith('SUBMIT_') || assigned.test(name)) {
    event.serialized = m.slice(data, data + maxJob);
    withRestClasses(event, ctx);
  }
  return [event];
};

export const createGearmanParser = (): ProtocolParser =>
  createFramedParser({ frame: frameLength, message, scansRest: true });
