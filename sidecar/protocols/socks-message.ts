/**
 * SOCKS handshake messages, read from an offset: version 5 (RFC 1928: greeting, method selection, request, reply),
 * its username/password exchange (RFC 1929), and version 4 with 4a's host names (Ying-Da Lee's "SOCKS: A protocol
 * for TCP proxy across firewalls" and "SOCKS 4A"). Each reader answers the message and its size, `short` when the
 * bytes so far are a true prefix of one, or undefined when they cannot be one.
 */
import type { Read, Short } from './handshake-read.ts';
import { latin1 } from './wire-bytes.ts';

export const socksCommands: Readonly<Record<number, string>> = {
  1: 'CONNECT',
  2: 'BIND',
  3: 'UDP ASSOCIATE',
};

const methodNames: Readonly<Record<number, string>> = {
  0: 'no-auth',
  1: 'gssapi',
  2: 'username/password',
  3: 'chap',
  5: 'challenge-response',
  6: 'ssl',
  7: 'nds',
  8: 'multi-auth',
  9: 'json-parameters',
  255: 'none-acceptable',
};

export const methodName = (method: number): string =>
  methodNames[method] ?? (method >= 0x80 ? `private-${method}` : `unassigned-${method}`);

/** RFC 1928 §6's reply codes, and version 4's (90 to 93). */
const replyNames: Readonly<Record<number, string>> = {
  0: 'succeeded',
  1: 'general failure',
  2: 'not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
  90: 'granted',
  91: 'rejected or failed',
  92: 'rejected: no identd',
  93: 'rejected: identd user mismatch',
};

export const replyName = (code: number): string => replyNames[code] ?? `code ${code}`;

/** Method numbers a client may offer: IANA's 0 to 9, and the private range. */
const offerable = (method: number): boolean => method <= 9 || (method >= 0x80 && method <= 0xfe);

/** A host name as proxies take it: printable, no spaces. */
const hostChars = (b: Uint8Array, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const x = b[i] as number;
    if (x < 0x21 || x > 0x7e) return false;
  }
  return true;
};

export type Greeting = { methods: readonly number[] };

/** `05 NMETHODS METHODS…`. */
export const readGreeting = (b: Uint8Array, at: number): Read<Greeting> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 5) return undefined;
  if (b.length <= at + 1) return 'short';
  const count = b[at + 1] as number;
  if (count === 0) return undefined;
  const methods: number[] = [];
  for (let i = 0; i < count; i++) {
    const method = b[at + 2 + i];
    if (method === undefined) return 'short';
    if (!offerable(method)) return undefined;
    methods.push(method);
  }
  return { methods, size: 2 + count };
};

/** `05 METHOD`: the server's choice among what was offered, or 0xFF. */
export const readSelection = (
  b: Uint8Array,
  at: number,
  offered: readonly number[],
): Read<{ method: number }> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 5) return undefined;
  const method = b[at + 1];
  if (method === undefined) return 'short';
  return method === 0xff || offered.includes(method) ? { method, size: 2 } : undefined;
};

/** RFC 1929: `01 ULEN UNAME PLEN PASSWD`. The password is skipped, never decoded. */
export const readPasswordLogin = (b: Uint8Array, at: number): Read<{ user: string }> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 1) return undefined;
  const userLength = b[at + 1];
  if (userLength === undefined) return 'short';
  if (userLength === 0) return undefined;
  const passwordLength = b[at + 2 + userLength];
  if (passwordLength === undefined) return 'short';
  const size = 3 + userLength + passwordLength;
  if (b.length < at + size) return 'short';
  return { user: latin1(b, at + 2, at + 2 + userLength), size };
};

/** RFC 1929's answer: `01 STATUS`, 0 for success. */
export const readPasswordStatus = (b: Uint8Array, at: number): Read<{ ok: boolean }> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 1) return undefined;
  const status = b[at + 1];
  return status === undefined ? 'short' : { ok: status === 0, size: 2 };
};

export type Address = { host: string; port: number };

const ipv6 = (b: Uint8Array, at: number): string => {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((b[at + i] as number) << 8) | (b[at + i + 1] as number)).toString(16));
  return `[${groups.join(':')}]`;
};

/** ATYP, the address and the port, from `at` (the ATYP octet). */
export const readAddress = (b: Uint8Array, at: number): Read<Address> => {
  const type = b[at];
  if (type === undefined) return 'short';
  let length: number;
  if (type === 1) length = 4;
  else if (type === 4) length = 16;
  else if (type === 3) {
    const nameLength = b[at + 1];
    if (nameLength === undefined) return 'short';
    if (nameLength === 0) return undefined;
    length = 1 + nameLength;
  } else return undefined;
  const size = 1 + length + 2;
  if (b.length < at + size) return 'short';
  if (type === 3 && !hostChars(b, at + 2, at + 1 + length)) return undefined;
  const port = ((b[at + 1 + length] as number) << 8) | (b[at + 2 + length] as number);
  const host =
    type === 1
      ? Array.from(b.subarray(at + 1, at + 5)).join('.')
      : type === 4
        ? ipv6(b, at + 1)
        : latin1(b, at + 2, at + 1 + length);
  return { host, port, size };
};

export type Request = Address & { command: number };

/** `05 CMD 00 ATYP ADDR PORT`. */
export const readRequest = (b: Uint8Array, at: number): Read<Request> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 5) return undefined;
  const command = b[at + 1];
  const reserved = b[at + 2];
  if (command === undefined || reserved === undefined) return 'short';
  if (socksCommands[command] === undefined || reserved !== 0) return undefined;
  const address = readAddress(b, at + 3);
  return address === undefined || address === 'short'
    ? address
    : { ...address, command, size: 3 + address.size };
};

/** `05 REP 00 ATYP BND.ADDR BND.PORT`. */
export const readReply = (b: Uint8Array, at: number): Read<Address & { code: number }> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 5) return undefined;
  const code = b[at + 1];
  const reserved = b[at + 2];
  if (code === undefined || reserved === undefined) return 'short';
  if (code > 8 || reserved !== 0) return undefined;
  const address = readAddress(b, at + 3);
  return address === undefined || address === 'short'
    ? address
    : { ...address, code, size: 3 + address.size };
};

/** Up to a NUL within `max` octets of printable text: the text's end, `short`, or undefined. */
const nulTerminated = (
  b: Uint8Array,
  start: number,
  max: number,
  host: boolean,
): number | Short | undefined => {
  for (let i = start; i < start + max; i++) {
    const x = b[i];
    if (x === undefined) return 'short';
    if (x === 0) return host && i === start ? undefined : i;
    if (x < 0x20 || x > 0x7e || (host && x === 0x20)) return undefined;
  }
  return undefined;
};

export type Request4 = Request & { user: string };

/** `04 CMD PORT IP USERID 00`, and with 4a's `0.0.0.x` address, `HOST 00` after it. */
export const readRequest4 = (b: Uint8Array, at: number): Read<Request4> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 4) return undefined;
  const command = b[at + 1];
  if (command === undefined) return 'short';
  if (command !== 1 && command !== 2) return undefined;
  if (b.length < at + 9) return 'short';
  const port = ((b[at + 2] as number) << 8) | (b[at + 3] as number);
  const ip = Array.from(b.subarray(at + 4, at + 8));
  const userEnd = nulTerminated(b, at + 8, 256, false);
  if (typeof userEnd !== 'number') return userEnd;
  const user = latin1(b, at + 8, userEnd);
  const socks4a = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;
  if (!socks4a) return { command, host: ip.join('.'), port, user, size: userEnd + 1 - at };
  const hostEnd = nulTerminated(b, userEnd + 1, 256, true);
  if (typeof hostEnd !== 'number') return hostEnd;
  return { command, host: latin1(b, userEnd + 1, hostEnd), port, user, size: hostEnd + 1 - at };
};

/** `00 CD PORT IP`: 90 granted, 91 to 93 refused; a BIND's address is where the proxy listens, then the peer. */
export const readReply4 = (b: Uint8Array, at: number): Read<Address & { code: number }> => {
  if (b.length <= at) return 'short';
  if (b[at] !== 0) return undefined;
  const code = b[at + 1];
  if (code === undefined) return 'short';
  if (code < 0x5a || code > 0x5d) return undefined;
  if (b.length < at + 8) return 'short';
  const port = ((b[at + 2] as number) << 8) | (b[at + 3] as number);
  return { code, host: Array.from(b.subarray(at + 4, at + 8)).join('.'), port, size: 8 };
};
