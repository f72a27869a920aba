/**
 * What a STUN message's attributes say, decoded (RFC 8489 §14, RFC 8656 §18, RFC 6062 §6.2): the XOR'd addresses,
 * the error code with its reason, SOFTWARE, REALM, REQUESTED-TRANSPORT, CHANNEL-NUMBER, LIFETIME, the integrity and
 * fingerprint attributes, and the length of DATA (never its contents). USERNAME is kept only shortened (stun-names.ts).
 */
import { ipv6Text } from '../decode/ipv6.ts';
import { stunFingerprintHolds } from './stun-fingerprint.ts';
import { magicCookie, type StunMessage } from './stun-message.ts';
import { shortUser } from './stun-names.ts';
import { text, u16be, u32be } from './wire-bytes.ts';

export type StunAddress = { ip: string; port: number };

export type StunFacts = {
  mapped?: StunAddress;
  relayed?: StunAddress;
  /** XOR-PEER-ADDRESS, each (CreatePermission may name several). */
  peers: StunAddress[];
  error?: { code: number; reason: string };
  software?: string;
  realm?: string;
  /** USERNAME, shortened: its first two characters and its length. */
  user?: string;
  /** REQUESTED-TRANSPORT's protocol: `udp` (17), `tcp` (6), or its number. */
  transport?: string;
  channel?: number;
  lifetime?: number;
  /** DATA's length: what a Send or Data indication carries. */
  dataOctets?: number;
  /** RFC 6062's CONNECTION-ID. */
  connection?: number;
  integrity?: 'sha1' | 'sha256';
  /** FINGERPRINT present: true when its CRC holds, false when it does not. */
  fingerprint?: boolean;
};

const cookie = [0x21, 0x12, 0xa4, 0x42];

/**
 * An XOR-*-ADDRESS (RFC 8489 §14.2): family 1 (IPv4) or 2 (IPv6); the port XOR'd with the cookie's top 16 bits, an
 * IPv4 address with the cookie, an IPv6 address with the cookie and the transaction id.
 */
export const xorAddress = (value: Uint8Array, transaction: Uint8Array): StunAddress | undefined => {
  const family = value[1];
  const port = u16be(value, 2) ^ (magicCookie >>> 16);
  if (family === 1 && value.length === 8) {
    const octets = [0, 1, 2, 3].map((i) => (value[4 + i] ?? 0) ^ (cookie[i] ?? 0));
    return { ip: octets.join('.'), port };
  }
  if (family !== 2 || value.length !== 20) return undefined;
  const address = new Uint8Array(16);
  for (let i = 0; i < 16; i++)
    address[i] = (value[4 + i] ?? 0) ^ (i < 4 ? (cookie[i] ?? 0) : (transaction[i - 4] ?? 0));
  return { ip: ipv6Text(address, 0), port };
};

/** ERROR-CODE (RFC 8489 §14.8): class (3-6) and number in the fourth octet pair, then a UTF-8 reason. */
const errorCode = (value: Uint8Array): StunFacts['error'] => {
  if (value.length < 4) return undefined;
  const code = (value[2] ?? 0) * 100 + (value[3] ?? 0);
  return { code, reason: text(value, 4, value.length, 128).replace(/[\u0000-\u001f]/g, ' ') };
};

const printable = (value: Uint8Array): string =>
  text(value, 0, value.length, 128).replace(/[\u0000-\u001f]/g, ' ');

const transportName = (protocol: number): string =>
  protocol === 17 ? 'udp' : protocol === 6 ? 'tcp' : `protocol ${protocol}`;

type Reader = (facts: StunFacts, value: Uint8Array, message: StunMessage) => void;

const readers: ReadonlyMap<number, Reader> = new Map<number, Reader>([
  [0x0006, (f, v) => (f.user = shortUser(printable(v)))],
  [0x0008, (f) => (f.integrity ??= 'sha1')],
  [0x001c, (f) => (f.integrity = 'sha256')],
  [
    0x0009,
    (f, v) => {
      const error = errorCode(v);
      if (error !== undefined) f.error = error;
    },
  ],
  [0x000c, (f, v) => (f.channel = u16be(v, 0))],
  [0x000d, (f, v) => (f.lifetime = u32be(v, 0))],
  [0x0013, (f, v) => (f.dataOctets = v.length)],
  [0x0014, (f, v) => (f.realm = printable(v))],
  [0x0019, (f, v) => (f.transport = transportName(v[0] ?? 0))],
  [0x002a, (f, v) => (f.connection = u32be(v, 0))],
  [0x8022, (f, v) => (f.software = printable(v))],
  [0x8028, (f, v, m) => (f.fingerprint = stunFingerprintHolds(m.bytes, v))],
]);

type AddressReader = (f: StunFacts, a: StunAddress) => void;

const addressReaders: ReadonlyMap<number, AddressReader> = new Map<number, AddressReader>([
  [
    0x0020,
    (f, a) => {
      f.mapped = a;
    },
  ],
  [
    0x0016,
    (f, a) => {
      f.relayed = a;
    },
  ],
  [
    0x0012,
    (f, a) => {
      if (f.peers.length < 16) f.peers.push(a);
    },
  ],
]);

export const stunFacts = (message: StunMessage): StunFacts => {
  const facts: StunFacts = { peers: [] };
  const transaction = message.bytes.subarray(8, 20);
  for (const { type, value } of message.attributes) {
    const address = addressReaders.get(type);
    if (address !== undefined) {
      const decoded = xorAddress(value, transaction);
      if (decoded !== undefined) address(facts, decoded);
      continue;
    }
    readers.get(type)?.(facts, value, message);
  }
  return facts;
};
