/**
 * Names for STUN and TURN methods (IANA's STUN Methods registry: RFC 8489, RFC 8656, RFC 6062) and the short form of
 * a USERNAME the tap keeps: not a secret, but it may name a person, so only its first two characters and its length.
 */
import type { StunClass } from './stun-message.ts';

const methods: ReadonlyMap<number, string> = new Map([
  [0x001, 'Binding'],
  [0x003, 'Allocate'],
  [0x004, 'Refresh'],
  [0x006, 'Send'],
  [0x007, 'Data'],
  [0x008, 'CreatePermission'],
  [0x009, 'ChannelBind'],
  [0x00a, 'Connect'],
  [0x00b, 'ConnectionBind'],
  [0x00c, 'ConnectionAttempt'],
]);

export const methodName = (method: number): string =>
  methods.get(method) ?? `method 0x${method.toString(16).padStart(3, '0')}`;

/** `Binding request`, `Allocate error 401`, `Send indication`, `CreatePermission success`. */
export const operationName = (method: number, kind: StunClass, code?: number): string =>
  `${methodName(method)} ${kind}${kind === 'error' && code !== undefined ? ` ${code}` : ''}`;

/** `al… (5)`: a user name's first two characters and its length in characters. */
export const shortUser = (user: string): string => {
  const characters = [...user];
  return `${characters.slice(0, 2).join('')}… (${characters.length})`;
};
