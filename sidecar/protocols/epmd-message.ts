/**
 * The Erlang Port Mapper Daemon's messages (OTP's erts/doc erl_dist_protocol, "EPMD Protocol"): a request is a 2-octet
 * length and that many octets, a tag first; the answers have no length. Each reader answers the message, `short` when
 * the octets so far are a true prefix of one, or undefined when they cannot be one.
 */
import type { Read } from './handshake-read.ts';
import { latin1, u16be, u32be } from './wire-bytes.ts';

export type EpmdRequest =
  | { kind: 'register'; name: string; port: number; hidden: boolean; versions: string }
  | { kind: 'port-please' | 'stop'; name: string }
  | { kind: 'names' | 'dump' | 'kill' };

/** A node's alive name (the part before `@`): printable ASCII with no space or `@`, 1 to 255 octets. */
const isAliveName = (b: Uint8Array, start: number, end: number): boolean => {
  if (end <= start || end - start > 255 || end > b.length) return false;
  for (let i = start; i < end; i++) {
    const c = b[i] ?? 0;
    if (c <= 0x20 || c >= 0x7f || c === 0x40) return false;
  }
  return true;
};

/** ALIVE2_REQ's body after its tag at `at`, which must end exactly at `end`: port, type, protocol, versions, name, extra. */
const readAlive2 = (b: Uint8Array, at: number, end: number): EpmdRequest | undefined => {
  if (end - at < 12) return undefined;
  const port = u16be(b, at);
  const type = b[at + 2];
  const high = u16be(b, at + 4);
  const low = u16be(b, at + 6);
  const nameLength = u16be(b, at + 8);
  const nameEnd = at + 10 + nameLength;
  const wellFormed =
    port !== 0 && (type === 77 || type === 72) && b[at + 3] === 0 && low >= 1 && high >= low && high <= 16;
  if (!wellFormed || nameEnd + 2 > end || nameEnd + 2 + u16be(b, nameEnd) !== end) return undefined;
  if (!isAliveName(b, at + 10, nameEnd)) return undefined;
  const name = latin1(b, at + 10, nameEnd);
  return { kind: 'register', name, port, hidden: type === 72, versions: `${low}-${high}` };
};

const bare: Readonly<Record<number, 'names' | 'dump' | 'kill'>> = { 110: 'names', 100: 'dump', 107: 'kill' };

const knownTags = [0x78, 0x7a, 0x6e, 0x64, 0x6b, 0x73];

/** A request's body after its tag at `at`, ending at `end`. */
const readBody = (b: Uint8Array, tag: number, at: number, end: number): EpmdRequest | undefined => {
  if (tag === 0x78) return readAlive2(b, at, end);
  if (!isAliveName(b, at, end)) return undefined;
  return { kind: tag === 0x7a ? 'port-please' : 'stop', name: latin1(b, at, end) };
};

/** One request, the whole of `b` from `at`: its 2-octet length must be what follows. */
export const readEpmdRequest = (b: Uint8Array, at = 0): Read<{ request: EpmdRequest }> => {
  if (b.length > at && b[at] !== 0) return undefined;
  if (b.length > at + 2 && !knownTags.includes(b[at + 2] ?? 0)) return undefined;
  if (b.length < at + 3) return 'short';
  const length = u16be(b, at);
  const end = at + 2 + length;
  const tag = b[at + 2] as number;
  const bareKind = bare[tag];
  if (bareKind !== undefined) return length === 1 ? { request: { kind: bareKind }, size: 3 } : undefined;
  if (length < 2) return undefined;
  if (b.length < end) return 'short';
  const request = readBody(b, tag, at + 3, end);
  return request === undefined ? undefined : { request, size: end - at };
};

export type Port2 = { ok: false; result: number } | { ok: true; port: number; name: string; hidden: boolean };

/** PORT2_RESP (119): `[119, Result]` when Result > 0, else the node's port, type, protocol, versions, name and extra. */
export const readPort2 = (b: Uint8Array): Read<Port2> => {
  if (b.length > 0 && b[0] !== 0x77) return undefined;
  if (b.length < 2) return 'short';
  const result = b[1] as number;
  if (result !== 0) return { ok: false, result, size: 2 };
  if (b.length < 12) return 'short';
  const port = u16be(b, 2);
  const type = b[4];
  const nameEnd = 12 + u16be(b, 10);
  if (port === 0 || (type !== 77 && type !== 72) || b[5] !== 0) return undefined;
  if (b.length < nameEnd + 2) return 'short';
  if (!isAliveName(b, 12, nameEnd)) return undefined;
  const size = nameEnd + 2 + u16be(b, nameEnd);
  if (b.length < size) return 'short';
  return { ok: true, port, name: latin1(b, 12, nameEnd), hidden: type === 72, size };
};

/** ALIVE2_X_RESP (118, a 4-octet creation) or ALIVE2_RESP (121, a 2-octet one). */
export const readAlive2Answer = (b: Uint8Array): Read<{ result: number; creation: number }> => {
  const tag = b[0];
  if (tag === undefined) return 'short';
  if (tag !== 0x76 && tag !== 0x79) return undefined;
  const size = tag === 0x76 ? 6 : 4;
  if (b.length < size) return 'short';
  const result = b[1] as number;
  return { result, creation: tag === 0x76 ? u32be(b, 2) : u16be(b, 2), size };
};

/** `name rabbit at port 25672` (NAMES_RESP) or `active name     rabbit at port 25672, fd = 7` (DUMP_RESP). */
const nodeLine = /^(?:active |old\/unused )?name\s+(\S{1,255}) at port (\d{1,5})(?:, fd = \d+ ?)?$/;

/** A names or dump answer: the 4-octet EPMD port, then a line per node; the nodes as `name=port`, undefined if not. */
export const readNodeList = (b: Uint8Array): string[] | undefined => {
  if (b.length < 4 || u16be(b, 0) !== 0 || u16be(b, 2) === 0) return undefined;
  const lines = latin1(b, 4).split('\n');
  // The last line is cut (or empty, after the final newline): only whole lines are read.
  lines.pop();
  const nodes: string[] = [];
  for (const line of lines) {
    const match = nodeLine.exec(line);
    if (match === null) return undefined;
    nodes.push(`${match[1]}=${match[2]}`);
  }
  return nodes;
};
