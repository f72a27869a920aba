/**
 * The Erlang distribution handshake's messages (OTP's erl_dist_protocol, "Distribution Handshake"), each read from
 * its tag on (the 2-octet length taken off): the initiator's send_name (`n`, version 5, 32-bit flags; `N`, version 6,
 * 64-bit flags, a creation and a 2-octet name length), the acceptor's status (`s` and a word) and challenge (`n` or
 * `N` with a 32-bit challenge), the initiator's challenge_reply (`r`, a challenge and an MD5 digest) and the
 * acceptor's challenge_ack (`a`, a digest). The cookie itself never travels.
 */
import { latin1, u16be, u32be } from './wire-bytes.ts';

export type NodeHello = { name: string; version: 5 | 6; flags: number; flagsHigh: number };

/** DFLAG_EXTENDED_REFERENCES: mandatory for every node since R9. */
const extendedReferences = 0x4;
/** DFLAG_HANDSHAKE_23: set by every node that sends `N`. */
const handshake23 = 0x1000000;
/** DFLAG_NAME_ME (bit 33): the initiator sends only its host and asks for a name. */
const nameMe = 0x2;

/** A node name: printable ASCII without spaces, with an `@` unless the node asks to be named (DFLAG_NAME_ME). */
const isNodeName = (b: Uint8Array, start: number, end: number, flagsHigh: number): boolean => {
  if (end <= start || end - start > 1023 || end > b.length) return false;
  let at = false;
  for (let i = start; i < end; i++) {
    const c = b[i] ?? 0;
    if (c <= 0x20 || c >= 0x7f) return false;
    at ||= c === 0x40;
  }
  return at || (flagsHigh & nameMe) !== 0;
};

/**
 * send_name (`challenge` false) or the challenge (true): a node's name, version and flags, from a message body that
 * starts with its tag; undefined when the body is not one.
 */
export const readHello = (b: Uint8Array, challenge: boolean): NodeHello | undefined => {
  const extra = challenge ? 4 : 0;
  if (b[0] === 0x6e) {
    const flags = u32be(b, 3);
    const nameAt = 7 + extra;
    if (u16be(b, 1) !== 5 || (flags & extendedReferences) === 0 || !isNodeName(b, nameAt, b.length, 0))
      return undefined;
    return { name: latin1(b, nameAt), version: 5, flags, flagsHigh: 0 };
  }
  if (b[0] !== 0x4e) return undefined;
  const flagsHigh = u32be(b, 1);
  const flags = u32be(b, 5);
  const lengthAt = 13 + extra;
  const nameEnd = lengthAt + 2 + u16be(b, lengthAt);
  const required = extendedReferences | handshake23;
  if ((flags & required) !== required || !isNodeName(b, lengthAt + 2, nameEnd, flagsHigh)) return undefined;
  return { name: latin1(b, lengthAt + 2, nameEnd), version: 6, flags, flagsHigh };
};

/** The flags a reader of the traffic cares about, by name; `hidden` for a node not published (a C node, a script). */
export const flagNames = ({ flags, flagsHigh }: NodeHello): string => {
  const names = [(flags & 0x1) === 0 ? 'hidden' : 'published'];
  if ((flags & 0x2000) !== 0) names.push('atom-cache');
  if ((flags & 0x800000) !== 0) names.push('fragments');
  if ((flagsHigh & 0x1) !== 0) names.push('spawn');
  if ((flagsHigh & nameMe) !== 0) names.push('name-me');
  if ((flagsHigh & 0x8) !== 0) names.push('alias');
  return names.join(',');
};

export const helloDetail = (hello: NodeHello): string =>
  `${hello.name} version=${hello.version} flags=${flagNames(hello)}`;

const statuses = new Set(['ok', 'ok_simultaneous', 'nok', 'not_allowed', 'alive', 'true', 'false']);

/** A status word (`s` then `ok`, `nok`, `not_allowed`, `alive`, `named:`...; `true`/`false` answering `alive`). */
export const readStatus = (b: Uint8Array): string | undefined => {
  if (b[0] !== 0x73) return undefined;
  if (latin1(b, 1, 7) === 'named:') return 'named:';
  const word = latin1(b, 1, Math.min(b.length, 24));
  return statuses.has(word) ? word : undefined;
};

/** Statuses after which the acceptor sends its challenge. */
export const goesOn = (status: string): boolean => status !== 'nok' && status !== 'not_allowed';
