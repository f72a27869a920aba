/**
 * OpenWire commands by type (activemq-client `CommandTypes`) and what an operation tells of them: who connects
 * (ConnectionInfo's client id and user, never the password), the destinations produced to, consumed from, sent to,
 * dispatched from and acknowledged, the broker's URL, and the Throwable an ExceptionResponse or ConnectionError
 * carries, or a MessageAck as its poison cause. Every command starts with BaseCommand's id (u32) and response-required flag.
 */
import {
  cachedObject,
  nestedObject,
  type OpenWireCache,
  type Thrown,
  throwable,
} from './openwire-objects.ts';
import { OpenWireReader } from './openwire-reader.ts';

const names: Record<number, string> = {
  1: 'wireformat-info',
  2: 'broker-info',
  3: 'connect',
  4: 'session',
  5: 'consume',
  6: 'produce',
  7: 'transaction',
  8: 'destination-info',
  9: 'remove-subscription',
  10: 'keep-alive',
  11: 'shutdown',
  12: 'remove',
  14: 'control',
  15: 'flush',
  16: 'connection-error',
  17: 'consumer-control',
  18: 'connection-control',
  19: 'producer-ack',
  20: 'message-pull',
  21: 'dispatch',
  22: 'ack',
  30: 'response',
  31: 'exception-response',
  32: 'data-response',
  33: 'data-array-response',
  34: 'integer-response',
  40: 'discovery-event',
  55: 'durable-subscription-info',
  60: 'partial-command',
  61: 'partial-last-command',
  65: 'replay',
  90: 'dispatch-notification',
  91: 'network-bridge-filter',
};

/** ActiveMQMessage (23) to ActiveMQBlobMessage (29): a message sent. */
const isMessage = (type: number): boolean => type >= 23 && type <= 29;

export const commandName = (type: number): string =>
  names[type] ?? (isMessage(type) ? 'send' : `command-${type}`);

export type Encoding = { tight: boolean; cache: OpenWireCache | undefined };
export type Command = {
  name: string;
  detail?: string;
  thrown?: Thrown;
  /** A MessageDispatch's message type (26 an object message), read after its consumer id and destination. */
  carries?: number;
};

const who = (r: OpenWireReader, cache: OpenWireCache | undefined): string | undefined => {
  cachedObject(r, cache);
  const clientId = r.string();
  r.string(); // the password: skipped, never kept
  const user = r.string();
  const parts = [clientId === null ? '' : `client-id=${clientId}`, user === null ? '' : `user=${user}`];
  return parts.filter(Boolean).join(' ') || undefined;
};

/** BrokerInfo: the broker's id, then the URL it is reached at. */
const brokerUrl = (r: OpenWireReader, cache: OpenWireCache | undefined): string | undefined => {
  cachedObject(r, cache);
  return r.string() ?? undefined;
};

/** The destination after `before` cached objects (and, for a consumer, its browser flag). */
const destination = (r: OpenWireReader, cache: OpenWireCache | undefined, before: number, flag = false) => {
  for (let i = 0; i < before; i++) cachedObject(r, cache);
  if (flag) r.bool();
  return cachedObject(r, cache) ?? undefined;
};

/** The readable detail of a command, its fields read from `r` (past BaseCommand's). */
const detailOf = (type: number, r: OpenWireReader, cache: OpenWireCache | undefined): string | undefined => {
  if (type === 3) return who(r, cache);
  if (type === 5) return destination(r, cache, 1, true);
  // ProducerInfo, DestinationInfo, MessagePull, MessageDispatch and messages: an id, then the destination.
  if (type === 6 || type === 8 || type === 20 || type === 21 || isMessage(type))
    return destination(r, cache, 1);
  if (type === 22) return destination(r, cache, 0);
  if (type === 2) return brokerUrl(r, cache);
  return undefined;
};

/** MessageAck past its destination: transaction and consumer ids, type, first and last message ids, count, cause. */
const poisonCause = (r: OpenWireReader, cache: OpenWireCache | undefined): Thrown | undefined => {
  cachedObject(r, cache);
  cachedObject(r, cache);
  r.octet();
  nestedObject(r, cache);
  nestedObject(r, cache);
  r.u32();
  return r.bad ? undefined : throwable(r);
};

/** The Throwable of an ExceptionResponse (after its correlation id) or a ConnectionError, in one encoding. */
const thrownIn = (frame: Uint8Array, tight: boolean): Thrown | undefined => {
  const r = new OpenWireReader(frame, 1, tight);
  r.u32();
  r.bool();
  if (frame[0] === 31) r.u32();
  return throwable(r);
};

/** One frame (its type octet first, the size prefix off) as a command. */
export const readCommand = (frame: Uint8Array, encoding: Encoding): Command => {
  const type = frame[0] ?? 0;
  const command: Command = { name: commandName(type) };
  if (type === 31 || type === 16) {
    // An attacker picks the encoding: the negotiated one first, then the other.
    const thrown = thrownIn(frame, encoding.tight) ?? thrownIn(frame, !encoding.tight);
    if (thrown !== undefined) {
      command.thrown = thrown;
      command.detail = `${thrown.className}: ${thrown.message}`.slice(0, 1024);
    }
    return command;
  }
  const r = new OpenWireReader(frame, 1, encoding.tight);
  r.u32();
  r.bool();
  const detail = detailOf(type, r, encoding.cache);
  if (!r.bad && detail !== undefined) command.detail = detail;
  if (type === 21 && !r.bad && r.bool()) {
    const carries = r.octet();
    if (!r.bad) command.carries = carries;
  }
  const thrown = type === 22 && !r.bad ? poisonCause(r, encoding.cache) : undefined;
  if (thrown !== undefined) command.thrown = thrown;
  return command;
};
