/**
 * Streaming STOMP parser: one operation event a frame (stomp-operation.ts), heart-beats passed over. A frame is read
 * from its first 64 KiB, the rest of a longer one skipped by its content-length; a frame without one is framed by its
 * NUL, so one past 64 KiB stops the direction, as a frame whose content-length does not end at a NUL does. A login
 * (CONNECT or STOMP) answered by CONNECTED or ERROR is a db-auth event, `cleartext` when a passcode was sent. A SEND's
 * body that is a Java object stream, or that ActiveMQ unmarshals with XStream (a `jms-object-*`/`jms-map-*`
 * transformation without content-length: activemq-stomp's JmsFrameTranslator), is the event's `serialized`; so is a
 * MESSAGE's body the broker delivers to this consumer when it is a Java object stream (the consumer's own code
 * deserializes what it takes off the queue; its tap may be the only one that sees it, the producer elsewhere).
 */
import type { DbAuthEvent, OperationEvent, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext, withRestClasses } from './framed-parser.ts';
import { opensStream } from './java-rmi-call.ts';
import type { ProtocolParser } from './protocol.ts';
import { eolsAt, readStompHead, type StompHead, stompFrameEnd } from './stomp-frame.ts';
import { stompOperation } from './stomp-operation.ts';

type Login = { user: string | undefined; passcode: boolean };
type State = { login: Login | undefined; acks: number; nacks: number };

/** The transformations activemq-stomp's JmsFrameTranslator reads through XStream (XML, or JSON with Jettison). */
export const xstreamTransformations = new Set([
  'jms-object-xml',
  'jms-object-json',
  'jms-map-xml',
  'jms-map-json',
]);
const maxSerialized = 64 * 1024;

const frameLength = (b: Uint8Array): number => {
  const eols = eolsAt(b, 0);
  if (eols > 0) return eols;
  if (b[0] === 0x0d && b.length === 1) return 0;
  const head = readStompHead(b);
  if (head === 'need-more') return 0;
  return head === 'bad' ? -1 : stompFrameEnd(b, head);
};

/** A SEND's body the broker or its consumers would deserialize: a copy of its first 64 KiB. */
const serializedBody = (head: StompHead, body: Uint8Array): Uint8Array | undefined => {
  const transformation = head.headers.get('transformation') ?? '';
  const xstream = xstreamTransformations.has(transformation) && head.contentLength === undefined;
  return xstream || opensStream(body, 0) ? body.slice(0, maxSerialized) : undefined;
};

/** What a frame carries for insecure-deserialization: a client's SEND (above), a broker's MESSAGE holding a stream. */
const carried = (head: StompHead, ctx: FrameContext, m: Uint8Array): Uint8Array | undefined => {
  const sent = head.command === 'SEND' && ctx.direction === 'to-server';
  const delivered = head.command === 'MESSAGE' && ctx.direction === 'to-client';
  if (!sent && !delivered) return undefined;
  const body = m.subarray(head.bodyStart, ctx.truncated ? m.length : m.length - 1);
  if (sent) return serializedBody(head, body);
  return opensStream(body, 0) ? body.slice(0, maxSerialized) : undefined;
};

const loginOutcome = (state: State, ctx: FrameContext, head: StompHead): DbAuthEvent[] => {
  const login = state.login;
  if (login === undefined || (head.command !== 'CONNECTED' && head.command !== 'ERROR')) return [];
  state.login = undefined;
  const event: DbAuthEvent = {
    kind: 'db-auth',
    ts: ctx.ts,
    direction: ctx.direction,
    dialect: 'stomp',
    ok: head.command === 'CONNECTED',
  };
  if (login.user !== undefined) event.user = login.user.slice(0, 256);
  const message = head.headers.get('message');
  if (!event.ok && message !== undefined) event.message = message.slice(0, 256);
  // STOMP has no other way to send a password: `passcode` travels as it is (without TLS).
  if (login.passcode) event.method = 'cleartext';
  return [event];
};

/** An ACK's or NACK's running count on the connection, for the detail. */
const counted = (state: State, command: string): string => {
  if (command === 'ACK') return `count=${++state.acks}`;
  return command === 'NACK' ? `count=${++state.nacks}` : '';
};

const frame = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (m[0] === 0x0a || m[0] === 0x0d) return [];
  const head = readStompHead(m);
  // The content-length must end at the frame's NUL: past it the octets are out of frame.
  if (typeof head === 'string' || (!ctx.truncated && m[m.length - 1] !== 0)) {
    ctx.stop(ctx.direction);
    return [];
  }
  const { operation, detail } = stompOperation(head, counted(state, head.command));
  const event: OperationEvent = {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'stomp',
    operation,
  };
  if (detail !== '') event.detail = detail;
  const serialized = carried(head, ctx, m);
  if (serialized !== undefined) event.serialized = serialized;
  withRestClasses(event, ctx);
  if (head.command === 'CONNECT' || head.command === 'STOMP')
    state.login = { user: head.headers.get('login'), passcode: head.headers.has('passcode') };
  return [event, ...loginOutcome(state, ctx, head)];
};

export const createStompParser = (): ProtocolParser => {
  const state: State = { login: undefined, acks: 0, nacks: 0 };
  return createFramedParser({
    frame: frameLength,
    message: (m, ctx) => frame(state, m, ctx),
    scansRest: true,
  });
};
