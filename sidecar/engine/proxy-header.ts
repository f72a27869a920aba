/**
 * The PROXY protocol header (HAProxy's `proxy-protocol.txt`, versions 1 and 2) a load balancer puts before a TCP
 * connection's first byte to tell the server who the real client was: AWS NLB and ELB, Google's and Azure's load
 * balancers, HAProxy, NGINX and Envoy send it, and ingress controllers behind them read it. The engine reads it off the
 * client's side before detection (flow-data.ts, ADR 25), so the protocol inside is identified and parsed as if the
 * header were not there, and the flow and its threats name the client the header gave.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { z } from 'zod';
import type { Endpoint, proxyHeaderSchema } from '#core/finding.ts';
import { ipv6Text } from '../decode/ipv6.ts';
import { canonicalAddress } from '../protocols/canonical-address.ts';
import { u16be } from '../protocols/wire-bytes.ts';
import { readProxyTlvs } from './proxy-header-tlvs.ts';

/** What a header says (core's `proxyHeaderSchema`: the flow finding carries it). */
export type ProxyHeader = z.infer<typeof proxyHeaderSchema>;

export type ProxyRead =
  /** Not a PROXY header: the bytes go on as they are. */
  | { kind: 'none' }
  /** A header's start: wait for at most `upTo` octets in all. */
  | { kind: 'need-more'; upTo: number }
  | { kind: 'header'; length: number; header: ProxyHeader }
  /** It began as a header and broke its rules: the bytes go on as they are, and the flow says so. */
  | { kind: 'malformed'; reason: string };

/** `PROXY ` then up to 107 octets with the CRLF (proxy-protocol.txt §2.1). */
const v1Max = 107;
const v2Signature = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const v1Signature = [0x50, 0x52, 0x4f, 0x58, 0x59, 0x20]; // "PROXY "
/** Headers longer than this are not held: real ones are a few hundred octets (TLVs included). */
export const maxProxyHeader = 4096;

const none: ProxyRead = { kind: 'none' };
const malformed = (reason: string): ProxyRead => ({ kind: 'malformed', reason });

/** True while `b` agrees with `signature` as far as either goes; `complete` when all of the signature is there. */
const agrees = (b: Uint8Array, signature: readonly number[]): { agrees: boolean; complete: boolean } => {
  const n = Math.min(b.length, signature.length);
  for (let i = 0; i < n; i++) if (b[i] !== signature[i]) return { agrees: false, complete: false };
  return { agrees: true, complete: b.length >= signature.length };
};

const port = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^(?:0|[1-9]\d{0,4})$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 65535 ? value : undefined;
};

/** Where the version 1 line's LF is (-1: not within what is there), looked for up to 107 octets. */
const v1LineFeed = (b: Uint8Array): number => {
  const end = Math.min(b.length, v1Max);
  for (let i = v1Signature.length; i < end; i++) if (b[i] === 0x0a) return i;
  return -1;
};

/** The fields of a version 1 line after `PROXY `: family, addresses, ports. */
const v1Fields = (fields: readonly string[], length: number): ProxyRead => {
  const [family, src, dst, sport, dport, ...rest] = fields;
  if (family === 'UNKNOWN')
    return { kind: 'header', length, header: { version: 1, command: 'proxy', transport: 'unknown' } };
  const valid = family === 'TCP4' ? isIPv4 : family === 'TCP6' ? isIPv6 : undefined;
  if (valid === undefined) return malformed(`unknown family ${family?.slice(0, 16) ?? ''}`);
  if (src === undefined || dst === undefined || !valid(src) || !valid(dst) || rest.length > 0)
    return malformed(`bad ${family} addresses`);
  const from = port(sport);
  const to = port(dport);
  if (from === undefined || to === undefined) return malformed('bad ports');
  const header: ProxyHeader = {
    version: 1,
    command: 'proxy',
    transport: 'tcp',
    client: { ip: canonicalAddress(src), port: from },
    server: { ip: canonicalAddress(dst), port: to },
  };
  return { kind: 'header', length, header };
};

/** Version 1: `PROXY TCP4|TCP6 source destination sport dport\r\n`, or `PROXY UNKNOWN …\r\n`. */
const readV1 = (b: Uint8Array): ProxyRead => {
  const lf = v1LineFeed(b);
  if (lf < 0)
    return b.length >= v1Max ? malformed('no CRLF within 107 octets') : { kind: 'need-more', upTo: v1Max };
  if (b[lf - 1] !== 0x0d) return malformed('line ends without CR');
  let line = '';
  for (let i = v1Signature.length; i < lf - 1; i++) line += String.fromCharCode(b[i] ?? 0);
  return v1Fields(line.split(' '), lf + 1);
};

const ipv4Text = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The address block of a v2 header: its size, and the endpoints of the INET families. */
const addressesOf = (
  b: Uint8Array,
  family: number,
): { size: number; client?: Endpoint; server?: Endpoint } | undefined => {
  if (family === 1)
    return {
      size: 12,
      client: { ip: ipv4Text(b, 16), port: u16be(b, 24) },
      server: { ip: ipv4Text(b, 20), port: u16be(b, 26) },
    };
  if (family === 2)
    return {
      size: 36,
      client: { ip: canonicalAddress(ipv6Text(b, 16)), port: u16be(b, 48) },
      server: { ip: canonicalAddress(ipv6Text(b, 32)), port: u16be(b, 50) },
    };
  if (family === 3) return { size: 216 };
  return family === 0 ? { size: 0 } : undefined;
};

const transports = ['unknown', 'tcp', 'udp'] as const;

/** The fixed part of a version 2 header: the problem with it, or the header's whole length. */
const v2Length = (b: Uint8Array): number | string => {
  const versionCommand = b[12] ?? 0;
  if (versionCommand >> 4 !== 2) return `version ${versionCommand >> 4}`;
  if ((versionCommand & 0x0f) > 1) return `command ${versionCommand & 0x0f}`;
  const length = 16 + u16be(b, 14);
  return length > maxProxyHeader ? `a header of ${length} octets` : length;
};

/** Version 2: the signature, version and command, family and transport, a length, addresses, then TLVs. */
const readV2 = (b: Uint8Array): ProxyRead => {
  if (b.length < 16) return { kind: 'need-more', upTo: 16 };
  const length = v2Length(b);
  if (typeof length === 'string') return malformed(length);
  if (b.length < length) return { kind: 'need-more', upTo: length };
  const proxy = ((b[12] ?? 0) & 0x0f) === 1;
  const familyByte = b[13] ?? 0;
  const family = familyByte >> 4;
  const addresses = addressesOf(b, family);
  const proto = transports[familyByte & 0x0f];
  if (addresses === undefined || proto === undefined) return malformed(`family 0x${familyByte.toString(16)}`);
  if (16 + addresses.size > length) return malformed('addresses longer than the header');
  const header: ProxyHeader = {
    version: 2,
    command: proxy ? 'proxy' : 'local',
    transport: family === 3 ? 'unix' : family === 0 ? 'unknown' : proto,
  };
  // LOCAL: "the receiver must ignore the address information" (§2.2).
  if (proxy && addresses.client !== undefined && addresses.server !== undefined) {
    header.client = addresses.client;
    header.server = addresses.server;
  }
  const problem = readProxyTlvs(b, 16 + addresses.size, length, header);
  return problem === undefined ? { kind: 'header', length, header } : malformed(problem);
};

/** Reads a PROXY header at the start of a connection's client bytes. */
export const readProxyHeader = (b: Uint8Array): ProxyRead => {
  const first = b[0];
  if (first === 0x50) {
    const v1 = agrees(b, v1Signature);
    if (!v1.agrees) return none;
    return v1.complete ? readV1(b) : { kind: 'need-more', upTo: v1Max };
  }
  if (first !== 0x0d) return none;
  const v2 = agrees(b, v2Signature);
  if (!v2.agrees) return none;
  return v2.complete ? readV2(b) : { kind: 'need-more', upTo: 16 };
};
