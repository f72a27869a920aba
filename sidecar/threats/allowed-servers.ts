/**
 * A policy's list of peers allowed to do what a detector reports: each an address or `address:port` (compared as
 * written), or a CIDR, optionally with a port: `10.42.0.0/16`, `10.96.0.0/12:5432`, `fd00::/8:443`. A pod range or a
 * Service range is one entry, not one per address.
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { parseCidr } from '#core/cidr.ts';
import type { Endpoint } from '#core/finding.ts';

type Range = { list: BlockList; family: 'ipv4' | 'ipv6'; port: number | undefined };

/** `address/bits` or `address/bits:port`; undefined when the entry is not one. */
const parseRange = (entry: string): Range | undefined => {
  const slash = entry.indexOf('/');
  if (slash < 0) return undefined;
  const match = /^(\d{1,3})(?::(\d{1,5}))?$/.exec(entry.slice(slash + 1));
  const cidr = match === null ? undefined : parseCidr(`${entry.slice(0, slash)}/${match[1]}`);
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (cidr === undefined || (port !== undefined && port > 65535)) return undefined;
  const list = new BlockList();
  list.addSubnet(cidr.address, cidr.bits, cidr.family);
  return { list, family: cidr.family, port };
};

/** Parsed ranges by entry: a policy's few entries, parsed once. */
const ranges = new Map<string, Range | undefined>();
const rangeOf = (entry: string): Range | undefined => {
  if (!ranges.has(entry)) {
    if (ranges.size >= 4096) ranges.clear();
    ranges.set(entry, parseRange(entry));
  }
  return ranges.get(entry);
};

const inRange = (entry: string, peer: Endpoint): boolean => {
  const range = rangeOf(entry);
  if (range === undefined || (range.port !== undefined && range.port !== peer.port)) return false;
  const family = isIP(peer.ip);
  return (
    (family === 4 ? 'ipv4' : 'ipv6') === range.family &&
    family !== 0 &&
    range.list.check(peer.ip, range.family)
  );
};

/** The first CIDR entry of `entries` that holds `ip` (a range list such as `internalRanges`), or undefined. */
export const rangeHolding = (ip: string, entries: readonly string[]): string | undefined =>
  entries.find((entry) => entry.includes('/') && inRange(entry, { ip, port: 0 }));

export const isAllowedServer = (server: Endpoint | undefined, allowed: readonly string[]): boolean =>
  server !== undefined &&
  allowed.some(
    (s) => s === server.ip || s === `${server.ip}:${server.port}` || (s.includes('/') && inRange(s, server)),
  );

/** `address` or `address:port` (an IPv6 address with a port is written as the two joined, as peers are compared). */
const isAddressEntry = (entry: string): boolean => {
  if (isIP(entry) !== 0) return true;
  const colon = entry.lastIndexOf(':');
  const port = entry.slice(colon + 1);
  return colon > 0 && isIP(entry.slice(0, colon)) !== 0 && /^\d{1,5}$/.test(port) && Number(port) <= 65535;
};

/**
 * What an entry may be, checked when the policy loads with the entry named: one that is none of these would never
 * match (a host name, a typo, a range written `a-b`) and allow nobody, silently.
 */
const allowEntry = z
  .string()
  .refine((entry) => (entry.includes('/') ? parseRange(entry) !== undefined : isAddressEntry(entry)), {
    error: (issue) =>
      `"${String(issue.input)}" is not an address, address:port, CIDR (address/bits) or CIDR:port`,
  });

/** A detector's `allowClients` / `allowServers` list. */
export const allowList = () => z.array(allowEntry).default([]);
