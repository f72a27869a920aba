/**
 * The header of a datagram relayed by a SOCKS 5 proxy's UDP ASSOCIATE (RFC 1928 §7): `RSV(2, zero) FRAG ATYP
 * DST.ADDR DST.PORT DATA`, the same both ways (from the client, where the data goes; from the relay, where it came
 * from). Answers the header with its size (where DATA starts), `short` for a true prefix of one, or undefined.
 */
import type { Read } from './handshake-read.ts';
import { type Address, readAddress } from './socks-message.ts';

/** `fragment`: 0 for a datagram on its own; 1 to 127 its place in a sequence, the high bit set on the last (§7). */
export type SocksUdpHeader = Address & { fragment: number };

export const readSocksUdpHeader = (b: Uint8Array): Read<SocksUdpHeader> => {
  for (let i = 0; i < 2; i++) {
    const reserved = b[i];
    if (reserved === undefined) return 'short';
    if (reserved !== 0) return undefined;
  }
  const fragment = b[2];
  if (fragment === undefined) return 'short';
  const address = readAddress(b, 3);
  if (address === undefined || address === 'short') return address;
  // Port 0 names no destination a relay could send to.
  if (address.port === 0) return undefined;
  return { host: address.host, port: address.port, fragment, size: 3 + address.size };
};
