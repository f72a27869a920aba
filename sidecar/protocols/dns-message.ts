/** DNS messages (RFC 1035 §4.1): header, questions and resource records, validated strictly and bounded. */
import type { DnsAnswer, DnsQuestion } from '../events.ts';
import { readDnsName } from './dns-domain.ts';
import { dnsTypeName } from './dns-names.ts';
import { formatRdata } from './dns-rdata.ts';

export type DnsHeader = { id: number; flags: number; qd: number; an: number; ns: number; ar: number };

export type DnsMessage = {
  header: DnsHeader;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
  /** Offset just past the last record, when every section parsed. */
  end: number;
};

const maxRecords = 64;
/** §4.1.1 opcodes in use: QUERY, STATUS, NOTIFY (RFC 1996), UPDATE (RFC 2136), DSO (RFC 8490). */
const opcodes = new Set([0, 2, 4, 5, 6]);
/** §3.2.4 classes IN, CH, HS, NONE (RFC 2136), ANY; the top bit is mDNS's unicast/cache-flush bit. */
const classes = new Set([1, 3, 4, 254, 255]);
const typeOpt = 41;

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);

export const readDnsHeader = (b: Uint8Array): DnsHeader => ({
  id: u16(b, 0),
  flags: u16(b, 2),
  qd: u16(b, 4),
  an: u16(b, 6),
  ns: u16(b, 8),
  ar: u16(b, 10),
});

/**
 * Plausible header: known opcode, Z bit clear (§4.1.1); a query asks one question, carries no answers
 * (UPDATE excepted: its sections are zone/prerequisites/updates) and no error; counts stay small.
 */
export const plausibleDnsHeader = (h: DnsHeader): boolean => {
  const isResponse = (h.flags & 0x8000) !== 0;
  const opcode = (h.flags >> 11) & 0xf;
  if (!opcodes.has(opcode) || (h.flags & 0x0040) !== 0) return false;
  if (h.an > 512 || h.ns > 512 || h.ar > 512) return false;
  if (isResponse) return h.qd <= 1;
  if (h.qd !== 1 || (h.flags & 0x000f) !== 0 || h.ar > 4) return false;
  return opcode === 5 || (h.an === 0 && h.ns === 0);
};

type Cursor = { at: number };

const readQuestion = (msg: Uint8Array, cursor: Cursor): DnsQuestion | undefined => {
  const name = readDnsName(msg, cursor.at);
  if (!name || name.end + 4 > msg.length) return undefined;
  const type = u16(msg, name.end);
  const qclass = u16(msg, name.end + 2) & 0x7fff;
  if (type === 0 || !classes.has(qclass)) return undefined;
  cursor.at = name.end + 4;
  return { name: name.name, type: dnsTypeName(type) };
};

/** §4.1.3: NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA; OPT (RFC 6891) reuses CLASS as the UDP size. */
const readRecord = (msg: Uint8Array, cursor: Cursor): DnsAnswer | undefined => {
  const name = readDnsName(msg, cursor.at);
  if (!name || name.end + 10 > msg.length) return undefined;
  const type = u16(msg, name.end);
  const rclass = u16(msg, name.end + 2) & 0x7fff;
  const length = u16(msg, name.end + 8);
  const rdata = name.end + 10;
  if (type === 0 || (type !== typeOpt && !classes.has(rclass)) || rdata + length > msg.length)
    return undefined;
  cursor.at = rdata + length;
  const ttl = u16(msg, name.end + 4) * 65536 + u16(msg, name.end + 6);
  return { name: name.name, type: dnsTypeName(type), ttl, data: formatRdata(msg, type, rdata, length) };
};

/** Reads every resource record, keeping answers (§4.1: answer, authority, additional); false on a bad one. */
const readRecords = (msg: Uint8Array, cursor: Cursor, message: DnsMessage): boolean => {
  const { an, ns, ar } = message.header;
  for (let i = 0; i < an + ns + ar; i += 1) {
    const record = readRecord(msg, cursor);
    if (record === undefined) return false;
    if (i < an && message.answers.length < maxRecords) message.answers.push(record);
  }
  return true;
};

/**
 * Parses a message. Strict (detection): undefined when the header or a question is implausible.
 * Lenient (parsing a flow already known to be DNS): any 12-octet header; `end` is -1 when something failed.
 */
export const parseDnsMessage = (msg: Uint8Array, strict = true): DnsMessage | undefined => {
  if (msg.length < 12) return undefined;
  const header = readDnsHeader(msg);
  const plausible = plausibleDnsHeader(header);
  if (strict && !plausible) return undefined;
  const message: DnsMessage = { header, questions: [], answers: [], end: -1 };
  const cursor: Cursor = { at: 12 };
  for (let i = 0; i < header.qd; i += 1) {
    const question = readQuestion(msg, cursor);
    if (question === undefined) return strict ? undefined : message;
    if (message.questions.length < maxRecords) message.questions.push(question);
  }
  if (readRecords(msg, cursor, message) && plausible) message.end = cursor.at;
  return message;
};
