/** DNS RDATA in presentation form (RFC 1035 §3.3, RFC 3596, RFC 2782; RFC 3597 §5 for unknown types). */
import { ipv6Text } from '../decode/ipv6.ts';
import { readDnsName } from './dns-domain.ts';
import { latin1 } from './wire-bytes.ts';

const maxText = 1024;

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32 = (b: Uint8Array, at: number): number => u16(b, at) * 65536 + u16(b, at + 2);

const hex = (b: Uint8Array): string => Buffer.from(b.subarray(0, maxText / 2)).toString('hex');

/** RFC 1035 §3.3.14 character-strings, quoted with '"' and '\' escaped. */
const characterStrings = (b: Uint8Array): string => {
  const parts: string[] = [];
  for (let at = 0; at < b.length; ) {
    const length = b[at] ?? 0;
    const text = latin1(b, at + 1, at + 1 + length);
    parts.push(`"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`);
    at += 1 + length;
  }
  return parts.join(' ').slice(0, maxText);
};

const nameAt = (msg: Uint8Array, at: number): string => readDnsName(msg, at)?.name ?? '<malformed>';

const soa = (msg: Uint8Array, at: number, end: number): string => {
  const mname = readDnsName(msg, at);
  const rname = mname && readDnsName(msg, mname.end);
  if (!mname || !rname || rname.end + 20 > end) return '<malformed>';
  const numbers = [0, 4, 8, 12, 16].map((o) => u32(msg, rname.end + o));
  return [mname.name, rname.name, ...numbers].join(' ');
};

/** Formats the RDATA at msg[at..at+length) for `type`; names may point back into the message. */
export const formatRdata = (msg: Uint8Array, type: number, at: number, length: number): string => {
  const data = msg.subarray(at, at + length);
  switch (type) {
    case 1:
      return length === 4 ? data.join('.') : `\\# ${length} ${hex(data)}`;
    case 28:
      return length === 16 ? ipv6Text(data, 0) : `\\# ${length} ${hex(data)}`;
    case 2:
    case 5:
    case 12:
    case 39:
      return nameAt(msg, at);
    case 15:
      return `${u16(msg, at)} ${nameAt(msg, at + 2)}`;
    case 16:
      return characterStrings(data);
    case 33:
      return `${u16(msg, at)} ${u16(msg, at + 2)} ${u16(msg, at + 4)} ${nameAt(msg, at + 6)}`;
    case 6:
      return soa(msg, at, at + length);
    case 10:
      return hex(data);
    default:
      return `\\# ${length} ${hex(data)}`;
  }
};
