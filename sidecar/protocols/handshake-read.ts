/**
 * Readers of binary handshake messages (SOCKS, VNC): each answers the message and its size, `short` when the bytes
 * so far are a true prefix of one, or undefined when they cannot be one.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import type { Detection } from './protocol.ts';

export type Short = 'short';
export type Read<T> = (T & { size: number }) | Short | undefined;

/** A whole message is a match, a true prefix of one wants more octets, anything else is no match. */
export const verdict = <T>(read: Read<T>): Detection =>
  read === 'short' ? 'need-more' : read === undefined ? 'no-match' : 'match';

/** A message's size once `use` has taken it; 0 to wait for more octets, -1 when they cannot be the message. */
export const consumed = <T>(read: Read<T>, use: (message: T & { size: number }) => void): number => {
  if (read === 'short') return 0;
  if (read === undefined) return -1;
  use(read);
  return read.size;
};

/** The events one parse call tells, and its capture time. */
export type Out = { events: ProtocolEvent[]; ts: number };

/** Tells one handshake step as an operation event (a detail of at most 300 characters, none when empty). */
export const pushOperation = (
  out: Out,
  protocol: ProtocolId,
  direction: Direction,
  name: string,
  detail: string,
): void => {
  const event: OperationEvent = { kind: 'operation', ts: out.ts, direction, protocol, operation: name };
  if (detail !== '') event.detail = detail.slice(0, 300);
  out.events.push(event);
};
