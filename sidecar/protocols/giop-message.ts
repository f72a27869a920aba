/**
 * One whole (or reassembled) GIOP message as the operation event the summary and the detectors read. A Request is
 * `<operation> <object key>` (`resolve NameService`), its detail the version, request id and, for the Naming
 * Service's operations, the name; its arguments (first 64 KiB) ride on the event as `serialized`, where RMI-IIOP's
 * value types name their Java classes. A Reply is `reply <status>`, its detail the operation it answers (paired by
 * request id) and an exception's repository id.
 */
import type { Direction, OperationEvent } from '../events.ts';
import { cdrReader, ulong } from './cdr-reader.ts';
import { type GiopHeader, giopHeaderSize } from './giop-header.ts';
import { readGiopLocateReply, readGiopLocateRequest } from './giop-locate.ts';
import { namingName } from './giop-naming-name.ts';
import { readGiopReply } from './giop-reply.ts';
import { readGiopRequest } from './giop-request.ts';

/** Operations of requests awaiting their reply, by request id: per direction the requests went, at most 256 each. */
export type GiopPending = Record<Direction, Map<number, string>>;
const maxPending = 256;

const other = (direction: Direction): Direction => (direction === 'to-server' ? 'to-client' : 'to-server');

type Told = { operation: string; detail?: string; serialized?: Uint8Array };

const request = (message: Uint8Array, h: GiopHeader, d: Direction, pending: GiopPending): Told => {
  const read = readGiopRequest(message, h);
  if (read === undefined) return { operation: 'malformed request' };
  const waiting = pending[d];
  if (read.responseExpected && waiting.size < maxPending) waiting.set(read.requestId, read.operation);
  const name = namingName(read.operation, cdrReader(message, read.bodyStart, h.little));
  const detail = `GIOP 1.${h.minor} id=${read.requestId}${read.responseExpected ? '' : ' oneway'}${name === undefined ? '' : ` name=${name}`}`;
  const body = message.subarray(read.bodyStart);
  return {
    operation: `${read.operation} ${read.target}`,
    detail,
    ...(body.length > 0 ? { serialized: body } : {}),
  };
};

/** The operation a reply answers, forgotten once answered. */
const answered = (pending: GiopPending, d: Direction, id: number): string => {
  const waiting = pending[other(d)];
  const operation = waiting.get(id);
  waiting.delete(id);
  return operation ?? '(unseen request)';
};

const reply = (message: Uint8Array, h: GiopHeader, d: Direction, pending: GiopPending): Told => {
  const read = readGiopReply(message, h);
  if (read === undefined) return { operation: 'malformed reply' };
  const answers = answered(pending, d, read.requestId);
  const thrown = read.exception === undefined ? '' : ` ${read.exception}`;
  return { operation: `reply ${read.status}`, detail: `${answers} id=${read.requestId}${thrown}` };
};

const locate = (message: Uint8Array, h: GiopHeader): Told => {
  const read = readGiopLocateRequest(message, h);
  return read === undefined
    ? { operation: 'malformed locate-request' }
    : { operation: `locate ${read.target}`, detail: `GIOP 1.${h.minor} id=${read.requestId}` };
};

const located = (message: Uint8Array, h: GiopHeader): Told => {
  const read = readGiopLocateReply(message, h);
  return read === undefined
    ? { operation: 'malformed locate-reply' }
    : { operation: `locate-reply ${read.status}`, detail: `id=${read.requestId}` };
};

const told = (message: Uint8Array, h: GiopHeader, d: Direction, pending: GiopPending): Told => {
  if (h.type === 'request') return request(message, h, d, pending);
  if (h.type === 'reply') return reply(message, h, d, pending);
  if (h.type === 'locate-request') return locate(message, h);
  if (h.type === 'locate-reply') return located(message, h);
  // CancelRequest is one request id (giop-header.ts holds it to 4 octets); the others carry nothing.
  const id =
    h.type === 'cancel-request' ? ` id=${ulong(cdrReader(message, giopHeaderSize, h.little)) ?? ''}` : '';
  return { operation: h.type, detail: `GIOP 1.${h.minor}${id}` };
};

export const giopMessageEvent = (
  message: Uint8Array,
  header: GiopHeader,
  direction: Direction,
  ts: number,
  pending: GiopPending,
): OperationEvent => ({
  kind: 'operation',
  ts,
  direction,
  protocol: 'giop',
  ...told(message, header, direction, pending),
});
