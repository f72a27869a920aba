/**
 * SOCKS detected from the handshake (socks-message.ts): from the client, a version 4 request, or a version 5
 * greeting followed by its request (with a username/password login between when that method was offered); from
 * the proxy, a version 5 method choice followed by its reply. A greeting alone (three octets) is too little to say.
 */
import type { Direction } from '../events.ts';
import { verdict } from './handshake-read.ts';
import type { Detection } from './protocol.ts';
import {
  readGreeting,
  readPasswordLogin,
  readPasswordStatus,
  readReply,
  readRequest,
  readRequest4,
} from './socks-message.ts';

const detectClient = (b: Uint8Array): Detection => {
  if (b[0] === 4) return verdict(readRequest4(b, 0));
  const greeting = readGreeting(b, 0);
  if (greeting === 'short') return 'need-more';
  if (greeting === undefined) return 'no-match';
  let at = greeting.size;
  if (b[at] === 1 && greeting.methods.includes(2)) {
    const login = readPasswordLogin(b, at);
    if (login === undefined || login === 'short') return verdict(login);
    at += login.size;
  }
  return verdict(readRequest(b, at));
};

const detectProxy = (b: Uint8Array): Detection => {
  if (b[0] !== 5) return 'no-match';
  const method = b[1];
  if (method === undefined) return 'need-more';
  if (method > 9 && (method < 0x80 || method === 0xff)) return 'no-match';
  let at = 2;
  if (method === 2) {
    const status = readPasswordStatus(b, at);
    if (status === undefined || status === 'short') return verdict(status);
    if (!status.ok) return 'no-match';
    at += status.size;
  }
  return verdict(readReply(b, at));
};

export const detectSocks = (bytes: Uint8Array, direction: Direction): Detection => {
  if (bytes.length === 0) return 'need-more';
  return direction === 'to-server' ? detectClient(bytes) : detectProxy(bytes);
};
