/**
 * QUIC long-header packets (RFC 9000 §17.2) and the protection of Initial packets (RFC 9001 §5), which anyone can
 * remove: the keys derive from the client's Destination Connection ID and a salt each version publishes. Versions 1,
 * 2 (RFC 9369, other salt, labels and type numbers) and drafts 29 to 32.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

type VersionParameters = { salt: Buffer; label: string; types: readonly LongType[] };
export type LongType = 'initial' | '0-rtt' | 'handshake' | 'retry';

const v1Types: readonly LongType[] = ['initial', '0-rtt', 'handshake', 'retry'];
const v2Types: readonly LongType[] = ['retry', 'initial', '0-rtt', 'handshake'];
const draftSalt = Buffer.from('afbfec289993d24c9e9786f19c6111e04390a899', 'hex');
const versions = new Map<number, VersionParameters>([
  [
    0x00000001,
    { salt: Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex'), label: 'quic', types: v1Types },
  ],
  [
    0x6b3343cf,
    { salt: Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex'), label: 'quicv2', types: v2Types },
  ],
  ...[0xff00001d, 0xff00001e, 0xff00001f, 0xff000020].map((draft): [number, VersionParameters] => [
    draft,
    { salt: draftSalt, label: 'quic', types: v1Types },
  ]),
]);

export const knownQuicVersion = (version: number): boolean => versions.has(version);

/** A QUIC variable-length integer (§16) at `at`: its value and the offset after it; undefined past the end. */
export const quicVarint = (b: Uint8Array, at: number): [value: number, next: number] | undefined => {
  const first = b[at];
  if (first === undefined) return undefined;
  const length = 1 << (first >> 6);
  if (at + length > b.length) return undefined;
  let value = first & 0x3f;
  for (let i = 1; i < length; i++) value = value * 256 + (b[at + i] ?? 0);
  return [value, at + length];
};

export type LongHeader = {
  version: number;
  type: LongType;
  dcid: Uint8Array;
  scid: Uint8Array;
  /** Offset of the packet's first octet. */
  start: number;
  /** Offset of the (protected) packet number. */
  pnOffset: number;
  /** Offset just past this packet in the datagram (coalesced packets follow). */
  end: number;
};

const readVersion = (d: Uint8Array, at: number): number =>
  (((d[at] ?? 0) << 24) | ((d[at + 1] ?? 0) << 16) | ((d[at + 2] ?? 0) << 8) | (d[at + 3] ?? 0)) >>> 0;

/** The connection IDs after the version: each a length octet (at most 20) and the ID; undefined if they do not fit. */
const connectionIds = (
  d: Uint8Array,
  at: number,
): { dcid: Uint8Array; scid: Uint8Array; next: number } | undefined => {
  const dcidLength = d[at] ?? 0;
  const scidAt = at + 1 + dcidLength;
  const scidLength = d[scidAt];
  if (dcidLength > 20 || scidLength === undefined || scidLength > 20 || scidAt + 1 + scidLength > d.length)
    return undefined;
  return {
    dcid: d.subarray(at + 1, scidAt),
    scid: d.subarray(scidAt + 1, scidAt + 1 + scidLength),
    next: scidAt + 1 + scidLength,
  };
};

/** The long header at `at` of a known version; undefined when it is not one or its lengths do not hold. */
export const readLongHeader = (d: Uint8Array, at: number): LongHeader | undefined => {
  const first = d[at] ?? 0;
  if ((first & 0xc0) !== 0xc0 || at + 7 > d.length) return undefined;
  const version = readVersion(d, at + 1);
  const type = versions.get(version)?.types[(first >> 4) & 0x03];
  const ids = type === undefined ? undefined : connectionIds(d, at + 5);
  if (type === undefined || ids === undefined) return undefined;
  const { dcid, scid } = ids;
  if (type === 'retry') return { version, type, dcid, scid, start: at, pnOffset: d.length, end: d.length };
  const token = type === 'initial' ? quicVarint(d, ids.next) : ([0, ids.next] as [number, number]);
  const length = token === undefined ? undefined : quicVarint(d, token[1] + token[0]);
  // The length covers a packet number (1 to 4 octets) and a payload with a 16-octet tag: at least 20.
  if (length === undefined || length[1] + length[0] > d.length || length[0] < 20) return undefined;
  return { version, type, dcid, scid, start: at, pnOffset: length[1], end: length[1] + length[0] };
};

export type InitialKeys = { key: Buffer; iv: Buffer; hp: Buffer };

/** HKDF-Expand-Label (RFC 8446 §7.1) with SHA-256 and no context, for lengths up to one hash (32 octets). */
const expandLabel = (secret: Buffer, label: string, length: number): Buffer => {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.of(length >> 8, length & 0xff, full.length), full, Buffer.of(0, 1)]);
  return createHmac('sha256', secret).update(info).digest().subarray(0, length);
};

/**
 * The last keys derived and the last packet opened. Detection opens a client's first Initial to prove it is QUIC, then
 * the parser opens the same packet to read it: the second time costs a comparison instead of four HMACs and AES-GCM.
 */
const last: {
  keysFor: string;
  keys: InitialKeys | undefined;
  packet: Buffer;
  key: Buffer;
  plain: Uint8Array | undefined;
} = { keysFor: '', keys: undefined, packet: Buffer.alloc(0), key: Buffer.alloc(0), plain: undefined };

/** The Initial keys of one side (`client in` or `server in`) for the client's Destination Connection ID. */
export const initialKeys = (
  version: number,
  clientDcid: Uint8Array,
  side: 'client' | 'server',
): InitialKeys | undefined => {
  const keysFor = `${version} ${side} ${Buffer.from(clientDcid).toString('hex')}`;
  if (keysFor !== last.keysFor) [last.keysFor, last.keys] = [keysFor, deriveKeys(version, clientDcid, side)];
  return last.keys;
};

const deriveKeys = (
  version: number,
  clientDcid: Uint8Array,
  side: 'client' | 'server',
): InitialKeys | undefined => {
  const parameters = versions.get(version);
  if (parameters === undefined) return undefined;
  const initialSecret = createHmac('sha256', parameters.salt).update(clientDcid).digest();
  const secret = expandLabel(initialSecret, `${side} in`, 32);
  const { label } = parameters;
  return {
    key: expandLabel(secret, `${label} key`, 16),
    iv: expandLabel(secret, `${label} iv`, 12),
    hp: expandLabel(secret, `${label} hp`, 16),
  };
};

/** Removes header protection and decrypts an Initial packet's payload; undefined when the AEAD tag does not verify. */
export const openInitial = (d: Uint8Array, header: LongHeader, keys: InitialKeys): Uint8Array | undefined => {
  const packet = Buffer.from(d.buffer, d.byteOffset + header.start, Math.max(0, header.end - header.start));
  if (keys.key.equals(last.key) && packet.equals(last.packet)) return last.plain;
  const plain = decryptInitial(d, header, keys);
  [last.packet, last.key, last.plain] = [Buffer.from(packet), keys.key, plain];
  return plain;
};

const decryptInitial = (d: Uint8Array, header: LongHeader, keys: InitialKeys): Uint8Array | undefined => {
  const sampleAt = header.pnOffset + 4;
  if (sampleAt + 16 > header.end) return undefined;
  const hp = createCipheriv('aes-128-ecb', keys.hp, null).setAutoPadding(false);
  const mask = hp.update(d.subarray(sampleAt, sampleAt + 16));
  const { start, pnOffset } = header;
  const first = (d[start] ?? 0) ^ ((mask[0] ?? 0) & 0x0f);
  const pnLength = (first & 0x03) + 1;
  const aad = Buffer.from(d.subarray(start, pnOffset + pnLength));
  aad[0] = first;
  let packetNumber = 0;
  for (let i = 0; i < pnLength; i++) {
    const at = pnOffset - start + i;
    const octet = (aad[at] ?? 0) ^ (mask[1 + i] ?? 0);
    aad[at] = octet;
    packetNumber = packetNumber * 256 + octet;
  }
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = (nonce[11 - i] ?? 0) ^ ((packetNumber >>> (8 * i)) & 0xff);
  const tagAt = header.end - 16;
  if (tagAt < pnOffset + pnLength) return undefined;
  try {
    const decipher = createDecipheriv('aes-128-gcm', keys.key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(d.subarray(tagAt, header.end));
    const plain = decipher.update(d.subarray(pnOffset + pnLength, tagAt));
    decipher.final();
    return plain;
  } catch {
    return undefined;
  }
};
