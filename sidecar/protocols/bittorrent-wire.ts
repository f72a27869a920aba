/**
 * BitTorrent's peer wire (BEP 3 "The BitTorrent Protocol Specification", peer protocol): the 68-octet handshake
 * (`\x13BitTorrent protocol`, 8 reserved octets, the 20-octet info hash, the 20-octet peer id) and the
 * length-prefixed messages after it, with the fast extension's (BEP 6) and the extension protocol's (BEP 10)
 * messages, whose handshake is a bencoded dictionary naming the client (`v`) and its extensions (`m`).
 */
import { asciiOf, type BDict, bytesAt, dictAt, isDict, readBencode } from './bencode.ts';
import type { Detection } from './protocol.ts';
import { utf8Text } from './wire-bytes.ts';

export const handshakeLength = 68;
const protocolName = 'BitTorrent protocol';

/** Whether `bytes` start a handshake: its first 20 octets, `\x13BitTorrent protocol`, decide (BEP 3). */
export const detectHandshake = (bytes: Uint8Array): Detection => {
  if (bytes.length === 0) return 'need-more';
  if (bytes[0] !== 0x13) return 'no-match';
  const n = Math.min(bytes.length, 20);
  for (let i = 1; i < n; i++) if (bytes[i] !== protocolName.charCodeAt(i - 1)) return 'no-match';
  return bytes.length < 20 ? 'need-more' : 'match';
};

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export type Handshake = { infoHash: string; peerId: Uint8Array; extensions: string[] };

/** Reserved bits in use (BEP 10: octet 5 bit 0x10; BEP 5: octet 7 bit 0x01; BEP 6: octet 7 bit 0x04). */
const reservedBits: readonly (readonly [octet: number, bit: number, name: string])[] = [
  [5, 0x10, 'ltep'],
  [7, 0x01, 'dht'],
  [7, 0x04, 'fast'],
];

/** A whole handshake at `at` (68 octets present and the name right), else undefined. */
export const readHandshake = (b: Uint8Array, at: number): Handshake | undefined => {
  if (b.length < at + handshakeLength || detectHandshake(b.subarray(at, at + 20)) !== 'match')
    return undefined;
  const reserved = b.subarray(at + 20, at + 28);
  const extensions = reservedBits
    .filter(([octet, bit]) => ((reserved[octet] ?? 0) & bit) !== 0)
    .map(([, , n]) => n);
  return {
    infoHash: hex(b.subarray(at + 28, at + 48)),
    peerId: b.subarray(at + 48, at + 68),
    extensions,
  };
};

/** Message names by id (BEP 3, BEP 5's port, BEP 6's fast extension, BEP 10's extended). */
export const messageNames: Readonly<Record<number, string>> = {
  0: 'choke',
  1: 'unchoke',
  2: 'interested',
  3: 'not-interested',
  4: 'have',
  5: 'bitfield',
  6: 'request',
  7: 'piece',
  8: 'cancel',
  9: 'port',
  13: 'suggest-piece',
  14: 'have-all',
  15: 'have-none',
  16: 'reject-request',
  17: 'allowed-fast',
  20: 'extended',
};

export const pieceId = 7;
export const portId = 9;
export const extendedId = 20;

/**
 * BEP 10's handshake: the client's name and version (`v`: `client` when it is a name's length, `version` however
 * long), its extensions and their message ids (`m`). Every name is kept, however many and however long: the message
 * (at most 64 KiB read) bounds them, and the operation's detail is judged (ADR 36).
 */
export type ExtendedHandshake = {
  client?: string;
  version?: string;
  extensions: Map<number, string>;
  names: string[];
};

/** A client name longer than this is no name (the p2p event's `client`); the whole `v` is still the detail's. */
const maxClient = 128;
/** An extension name longer than this names no message (BEP 10's are a dozen characters). */
const maxName = 64;

/** `m`: extension names and the message ids the sender wants them sent with. */
const extensionsOf = (m: BDict | undefined): Pick<ExtendedHandshake, 'extensions' | 'names'> => {
  const extensions = new Map<number, string>();
  const names: string[] = [];
  for (const [name, id] of m?.entries ?? []) {
    const printable = asciiOf(Buffer.from(name, 'latin1'), name.length);
    if (printable === undefined) continue;
    names.push(printable);
    // Held for the connection, to name its messages: only a name's length (a longer one names none of them).
    if (typeof id === 'number' && id > 0 && id < 256 && printable.length <= maxName)
      extensions.set(id, printable);
  }
  return { extensions, names };
};

/** An extended handshake's payload (after the message id and the extended id 0), or undefined when malformed. */
export const readExtendedHandshake = (payload: Uint8Array): ExtendedHandshake | undefined => {
  const read = readBencode(payload);
  if (!read.ok || read.end !== payload.length || !isDict(read.value)) return undefined;
  const v = bytesAt(read.value, 'v');
  const version = v === undefined ? undefined : utf8Text(v);
  const found = extensionsOf(dictAt(read.value, 'm'));
  if (version === undefined || version === '') return found;
  return version.length > maxClient ? { version, ...found } : { client: version, version, ...found };
};

/** BEP 11's ut_pex message: how many peers it adds (6 octets each for IPv4, 18 for IPv6). */
export const pexAdded = (payload: Uint8Array): number | undefined => {
  const read = readBencode(payload);
  if (!read.ok || !isDict(read.value)) return undefined;
  const added = (bytesAt(read.value, 'added')?.length ?? 0) / 6;
  const added6 = (bytesAt(read.value, 'added6')?.length ?? 0) / 18;
  return Math.floor(added) + Math.floor(added6);
};
