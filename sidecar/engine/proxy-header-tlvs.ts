/**
 * The TLVs of a version 2 PROXY header (proxy-protocol.txt §2.2.1–2.2.8, and the cloud providers' own): type, a 16-bit
 * length, a value. Read into the header: ALPN, authority (the SNI the client sent the balancer), unique id, the SSL
 * TLV with its sub-TLVs, AWS's VPC endpoint id. CRC32C, NOOP, NETNS and unknown types are passed over.
 */
import { toHex } from '../decode/byte-reader.ts';
import { latin1, u16be, u32be } from '../protocols/wire-bytes.ts';
import type { ProxyHeader } from './proxy-header.ts';

const maxText = 255;
const textOf = (b: Uint8Array, start: number, end: number): string =>
  latin1(b, start, Math.min(end, start + maxText));

type Tls = NonNullable<ProxyHeader['tls']>;

/** The SSL TLV (0x20): client flags (1 octet), verify (4), then sub-TLVs of the same shape. */
const readSsl = (b: Uint8Array, start: number, end: number): Tls | string => {
  if (end - start < 5) return 'an SSL TLV shorter than 5 octets';
  const client = b[start] ?? 0;
  const tls: Tls = { clientCertificate: (client & 0x06) !== 0, verified: u32be(b, start + 1) === 0 };
  let at = start + 5;
  while (at < end) {
    if (at + 3 > end) return 'a truncated SSL sub-TLV';
    const type = b[at] ?? 0;
    const valueEnd = at + 3 + u16be(b, at + 1);
    if (valueEnd > end) return 'an SSL sub-TLV past its TLV';
    if (type === 0x21) tls.version = textOf(b, at + 3, valueEnd);
    else if (type === 0x22) tls.commonName = textOf(b, at + 3, valueEnd);
    else if (type === 0x23) tls.cipher = textOf(b, at + 3, valueEnd);
    at = valueEnd;
  }
  return tls;
};

type TlvReader = (b: Uint8Array, start: number, end: number, header: ProxyHeader) => string | undefined;

/** The TLV types read (§2.2.1–2.2.7; AWS's 0xEA with its subtype 0x01); others are passed over. */
const tlvReaders: Readonly<Record<number, TlvReader>> = {
  1: (b, start, end, header) => {
    header.alpn = textOf(b, start, end);
    return undefined;
  },
  2: (b, start, end, header) => {
    header.authority = textOf(b, start, end);
    return undefined;
  },
  5: (b, start, end, header) => {
    header.uniqueId = toHex(b.subarray(start, end), 64);
    return undefined;
  },
  32: (b, start, end, header) => {
    const tls = readSsl(b, start, end);
    if (typeof tls === 'string') return tls;
    header.tls = tls;
    return undefined;
  },
  234: (b, start, end, header) => {
    if (b[start] === 0x01) header.awsVpcEndpoint = textOf(b, start + 1, end);
    return undefined;
  },
};

/** Reads `b[start, end)` as TLVs into `header`; a problem's description when they do not hold together. */
export const readProxyTlvs = (
  b: Uint8Array,
  start: number,
  end: number,
  header: ProxyHeader,
): string | undefined => {
  let at = start;
  while (at < end) {
    if (at + 3 > end) return 'a truncated TLV';
    const type = b[at] ?? 0;
    const valueEnd = at + 3 + u16be(b, at + 1);
    if (valueEnd > end) return `TLV 0x${type.toString(16)} past the header`;
    const problem = tlvReaders[type]?.(b, at + 3, valueEnd, header);
    if (problem !== undefined) return problem;
    at = valueEnd;
  }
  return undefined;
};
