/**
 * SSH_MSG_KEXINIT (RFC 4253 §7.1), the last thing each side sends in the clear: the algorithms it supports, in
 * order of preference, and from them HASSH (Salesforce, BSD-3-Clause), the fingerprint of an SSH client or server
 * stack: MD5 of `kex;ciphers;macs;compression` for the direction the sender sends in.
 */
import type { Direction, SshKexInitEvent } from '../events.ts';
import { ja3HashOf } from './tls-client-hello.ts';
import { latin1 } from './wire-bytes.ts';

const msgKexInit = 20;
/**
 * §6.1 allows packets of 35,000 octets, but a KEXINIT is a few hundred to two thousand: past 16 KiB the side is not
 * worth holding (a tap must not buffer and re-copy tens of KiB per connection for a fingerprint).
 */
export const maxSshPacket = 16_384;
/** Names kept per list, and the length of one list's text. */
const maxNames = 64;
const maxListText = 4096;

const u32 = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;

/**
 * The binary packet at the start of `b` (§6): its payload and where the packet ends, `need-more`, or `bad` when the
 * lengths cannot be.
 */
export const sshPacket = (b: Uint8Array): { payload: Uint8Array; end: number } | 'need-more' | 'bad' => {
  if (b.length < 6) return 'need-more';
  const length = u32(b, 0);
  const padding = b[4] ?? 0;
  if (length < 5 || length > maxSshPacket || padding < 4 || padding >= length) return 'bad';
  // §7.1: key exchange begins at once, so the first packet is the KEXINIT; anything else ends the reading.
  if (b[5] !== msgKexInit) return 'bad';
  if (b.length < 4 + length) return 'need-more';
  return { payload: b.subarray(5, 4 + length - padding), end: 4 + length };
};

/** §5 of RFC 4251: a name-list is a uint32 length and comma-separated US-ASCII names. */
const nameLists = (payload: Uint8Array, count: number): string[][] | undefined => {
  const lists: string[][] = [];
  let at = 17; // message number and the 16-octet cookie
  for (let i = 0; i < count; i++) {
    if (at + 4 > payload.length) return undefined;
    const length = u32(payload, at);
    if (length > maxListText || at + 4 + length > payload.length) return undefined;
    const text = latin1(payload, at + 4, at + 4 + length);
    if (!/^[\x21-\x7e]*$/.test(text)) return undefined;
    lists.push(text === '' ? [] : text.split(',').slice(0, maxNames));
    at += 4 + length;
  }
  return lists;
};

/** A KEXINIT payload as an event, or undefined when the payload is another message or malformed. */
export const parseKexInit = (
  payload: Uint8Array,
  direction: Direction,
  ts: number,
): SshKexInitEvent | undefined => {
  if (payload[0] !== msgKexInit) return undefined;
  const lists = nameLists(payload, 10);
  if (lists === undefined) return undefined;
  const [
    kex = [],
    hostKeys = [],
    ciphersC2s = [],
    ciphersS2c = [],
    macsC2s = [],
    macsS2c = [],
    compC2s = [],
    compS2c = [],
  ] = lists;
  const client = direction === 'to-server';
  // HASSH reads the lists of the direction the sender sends in: client to server for a client, the reverse for a server.
  const hasshAlgorithms = [
    kex,
    client ? ciphersC2s : ciphersS2c,
    client ? macsC2s : macsS2c,
    client ? compC2s : compS2c,
  ]
    .map((list) => list.join(','))
    .join(';');
  return {
    kind: 'ssh-kexinit',
    ts,
    direction,
    kex,
    hostKeys,
    ciphers: { toServer: ciphersC2s, toClient: ciphersS2c },
    macs: { toServer: macsC2s, toClient: macsS2c },
    compression: { toServer: compC2s, toClient: compS2c },
    hasshAlgorithms,
    hassh: ja3HashOf(hasshAlgorithms),
  };
};
