/** The pod's DNS resolvers from resolv.conf(5): protect mode always lets DNS out to them. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** `nameserver ADDR` lines (at most 3 are used by the resolver); a scoped IPv6 (`%eth0`) is kept bare. */
export const nameservers = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => /^\s*nameserver\s+([0-9a-fA-F:.]+)(?:%\S+)?\s*$/.exec(line)?.[1])
    .filter((ip): ip is string => ip !== undefined && isIP(ip) !== 0)
    .slice(0, 3);

/** A missing or unreadable file means no resolver is known (DNS then needs an allow-list rule like any peer). */
export const readNameservers = (path = '/etc/resolv.conf'): string[] => {
  try {
    return nameservers(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
};
