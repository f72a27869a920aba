/**
 * One spelling per IP address (ADR 28), so a client a proxy names is one caller however the proxy wrote it. Used for
 * addresses `isIP` accepted; anything else is returned as it is.
 */
import { isIP } from 'node:net';
import { ipv6Text } from '../decode/ipv6.ts';

/** The 16-bit groups of one side of `::` (`2001:db8`, `ffff:192.0.2.1`); a dotted IPv4 tail is two groups. */
const groupsOf = (part: string): number[] => {
  if (part === '') return [];
  const groups: number[] = [];
  for (const piece of part.split(':')) {
    if (!piece.includes('.')) {
      groups.push(Number.parseInt(piece, 16));
      continue;
    }
    const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
    groups.push(a * 256 + b, c * 256 + d);
  }
  return groups;
};

/** The eight 16-bit groups of an IPv6 address `isIP` accepted, `::` expanded, a zone id (`%eth0`) left off. */
export const ipv6Groups = (ip: string): number[] => {
  const percent = ip.indexOf('%');
  const address = percent < 0 ? ip : ip.slice(0, percent);
  const double = address.indexOf('::');
  const head = groupsOf(double < 0 ? address : address.slice(0, double));
  const tail = double < 0 ? [] : groupsOf(address.slice(double + 2));
  return [...head, ...new Array<number>(Math.max(0, 8 - head.length - tail.length)).fill(0), ...tail];
};

/**
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, `::ffff:c000:201`: RFC 4291 §2.5.5.2) as the dotted IPv4 address it is; other
 * IPv6 in RFC 5952's form (lowercase, no leading zeros, the longest run of zero groups as `::`), as the packet
 * decoder writes peers (`ipv6Text`), without a zone id (`fe80::1%eth0`, RFC 4007 §11; `%25eth0` as RFC 6874 writes it
 * in a URI, and so in `Forwarded`): the zone names an interface of the proxy that wrote it, not the client, and two
 * link-local clients on different links counted as one is the safe mistake where one counted as two is not. IPv4 is
 * kept as it is: `isIP` takes only the dotted-decimal form without leading zeros, which is already one spelling.
 */
export const canonicalAddress = (ip: string): string => {
  if (isIP(ip) !== 6) return ip;
  const groups = ipv6Groups(ip);
  const octets = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = groups[i] ?? 0;
    octets[2 * i] = group >> 8;
    octets[2 * i + 1] = group & 0xff;
  }
  const mapped =
    octets.subarray(0, 10).every((octet) => octet === 0) && octets[10] === 0xff && octets[11] === 0xff;
  return mapped ? octets.subarray(12).join('.') : ipv6Text(octets, 0);
};
