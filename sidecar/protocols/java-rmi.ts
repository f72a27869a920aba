/**
 * Java RMI over JRMP (`rmi`): the registry, JMX's RMI connector, the DGC and every exported object. Identified by
 * the client's opening (`JRMI`, version 2, then StreamProtocol 0x4B, SingleOpProtocol 0x4C or MultiplexProtocol 0x4D)
 * or the server's acknowledgement (0x4E, then the client's address as a UTF string and a port). What it carries is
 * Java serialization, which `insecure-deserialization` judges (ysoserial's RMIRegistryExploit and JRMPClient).
 */
import { createJavaRmiParser } from './java-rmi-parser.ts';
import type { Detection, Protocol } from './protocol.ts';

const opening = [0x4a, 0x52, 0x4d, 0x49, 0x00, 0x02];

const detectClient = (b: Uint8Array): Detection => {
  for (let i = 0; i < Math.min(b.length, opening.length); i++) if (b[i] !== opening[i]) return 'no-match';
  if (b.length < 7) return 'need-more';
  return b[6] === 0x4b || b[6] === 0x4c || b[6] === 0x4d ? 'match' : 'no-match';
};

/** Digits, letters, `.`, `-`, `:` and `%`: an IPv4 or IPv6 address (with a zone) or a host name. */
const isAddressCharacter = (c: number): boolean =>
  (c >= 0x30 && c <= 0x3a) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x2e ||
  c === 0x2d ||
  c === 0x25;

/** ProtocolAck: 0x4E, a UTF host of 1 to 255 address characters, then a port: the whole of the server's first write. */
const detectServer = (b: Uint8Array): Detection => {
  if (b[0] !== 0x4e) return 'no-match';
  if (b.length < 3) return 'need-more';
  const length = ((b[1] ?? 0) << 8) | (b[2] ?? 0);
  if (length === 0 || length > 255) return 'no-match';
  const end = 3 + length + 4;
  for (let i = 3; i < Math.min(b.length, 3 + length); i++)
    if (!isAddressCharacter(b[i] ?? 0)) return 'no-match';
  if (b.length < end) return 'need-more';
  return b.length === end ? 'match' : 'no-match';
};

export const javaRmi: Protocol = {
  id: 'rmi',
  transport: 'tcp',
  ports: [1099, 1098],
  encrypted: false,
  detect: (bytes, direction) => (direction === 'to-server' ? detectClient(bytes) : detectServer(bytes)),
  createParser: createJavaRmiParser,
};
