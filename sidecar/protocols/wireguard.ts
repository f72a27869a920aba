/**
 * WireGuard over UDP (the WireGuard paper §5.4; `messages.h`): a datagram matches when it is one of the four messages
 * exactly, type octet 1–4, three reserved zero octets and the type's length: an initiation of 148 octets with a
 * computed mac1, a response of 92 with mac1, a cookie reply of 64, or transport data of 32 octets or more whose
 * encrypted part is a multiple of 16 and whose counter is one a live key pair can reach (wireguard-message.ts). A
 * first datagram decides alone, since the engine detects each datagram by itself: 24 zero bits, an exact length and
 * a non-zero MAC leave a random datagram one chance in 2^40 or less, and DNS, QUIC and the others are asked first.
 * How sure the flow is comes after, from the parser: a response echoing the initiation's index completes the handshake
 * (wireguard-parser.ts), and the vpn-tunnel detector tells an answered handshake from an unanswered one.
 */
import type { Detection, Protocol } from './protocol.ts';
import { readWireguardMessage } from './wireguard-message.ts';
import { createWireguardParser } from './wireguard-parser.ts';

const detectWireguard = (b: Uint8Array): Detection => {
  const type = b[0] ?? 0;
  if (type < 1 || type > 4) return 'no-match';
  if (b.length < 4) return 'need-more';
  return readWireguardMessage(b) === undefined ? 'no-match' : 'match';
};

export const wireguard: Protocol = {
  id: 'wireguard',
  transport: 'udp',
  // wg-quick's examples and most providers use 51820; a hint for reports only.
  ports: [51820],
  encrypted: true,
  detect: detectWireguard,
  createParser: createWireguardParser,
};
