/**
 * Test helper: protects a QUIC Initial packet (RFC 9001 §5.3, §5.4) the way a sender does, written separately from
 * the tap's reader; quic.test.ts checks it against RFC 9001 A.2 octet for octet before using it.
 */
import { createCipheriv } from 'node:crypto';
import { initialKeys } from '#sidecar/protocols/quic-initial.ts';

export const quicVarint = (n: number): number[] => {
  if (n < 0x40) return [n];
  if (n < 0x4000) return [0x40 | (n >> 8), n & 0xff];
  return [0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
};

export const cryptoFrame = (data: Uint8Array, offset = 0): Uint8Array =>
  Uint8Array.from([0x06, ...quicVarint(offset), ...quicVarint(data.length), ...data]);

export type SealOptions = {
  version?: number;
  /** The client's Destination Connection ID, from which both sides' keys derive. */
  clientDcid: Uint8Array;
  side: 'client' | 'server';
  dcid: Uint8Array;
  scid?: Uint8Array;
  packetNumber?: number;
  /** Pad the payload with PADDING frames to this many octets (clients pad Initial datagrams to 1200). */
  padTo?: number;
};

/** An Initial packet with a 4-octet packet number, protected. */
export const sealInitial = (payload: Uint8Array, o: SealOptions): Uint8Array => {
  const version = o.version ?? 1;
  const keys = initialKeys(version, o.clientDcid, o.side);
  if (keys === undefined) throw new Error(`no Initial keys for version ${version.toString(16)}`);
  const plain = new Uint8Array(Math.max(payload.length, o.padTo ?? 0));
  plain.set(payload);
  const pn = o.packetNumber ?? 0;
  const initialType = version === 0x6b3343cf ? 1 : 0;
  const scid = o.scid ?? new Uint8Array(0);
  const lengthField = quicVarint(4 + plain.length + 16);
  const header = Uint8Array.from([
    0xc0 | (initialType << 4) | 0x03,
    version >>> 24,
    (version >> 16) & 0xff,
    (version >> 8) & 0xff,
    version & 0xff,
    o.dcid.length,
    ...o.dcid,
    scid.length,
    ...scid,
    0, // no token
    ...(lengthField.length === 1 ? [0x40, lengthField[0] ?? 0] : lengthField),
    pn >>> 24,
    (pn >> 16) & 0xff,
    (pn >> 8) & 0xff,
    pn & 0xff,
  ]);
  const pnOffset = header.length - 4;
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = (nonce[11 - i] ?? 0) ^ ((pn >>> (8 * i)) & 0xff);
  const cipher = createCipheriv('aes-128-gcm', keys.key, nonce);
  cipher.setAAD(header);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  const packet = Buffer.concat([header, sealed]);
  const mask = createCipheriv('aes-128-ecb', keys.hp, null)
    .setAutoPadding(false)
    .update(packet.subarray(pnOffset + 4, pnOffset + 20));
  packet[0] = (packet[0] ?? 0) ^ ((mask[0] ?? 0) & 0x0f);
  for (let i = 0; i < 4; i++) packet[pnOffset + i] = (packet[pnOffset + i] ?? 0) ^ (mask[1 + i] ?? 0);
  return new Uint8Array(packet);
};
