/**
 * A ClickHouse Query packet (Connection::sendQuery): type 1, the query id, the client info block, the settings, the
 * stage, the compression flag and the query text. The client info and settings layouts change with the negotiated
 * revision; the one read field by field is the one ClickHouse 18.16 (revision 54412) sends and every revision below
 * 54429 shares (ClientInfo::write; settings whose first name is empty). Past it (settings written, or a later
 * revision, whose fields this reader was not checked against on the wire), the query text is found robustly: the
 * first stage (0-2), compression flag (0-1) and non-empty printable string that ends where the Data packet every
 * client sends after a query (type 2) begins; it is told once that packet's first octet is seen.
 */
import { ClickhouseReader, type Span } from './clickhouse-reader.ts';

export type Query = { end: number; text: Span; compressed: boolean };

/** Revisions (ProtocolDefines.h): client info 54032, quota key 54060, patch 54401, settings as strings 54429. */
const withClientInfo = 54032;
const withQuotaKey = 54060;
const withPatch = 54401;
const settingsAsStrings = 54429;
/** Query parameters after the text, written as settings are (name, flags, value), an empty name ending them. */
const withParameters = 54459;
/** The farthest the query text is looked for from where the client info begins. */
const scanLimit = 4096;

/** ClientInfo::write as revisions below 54429 write it: 18.16's layout. */
const clientInfo = (r: ClickhouseReader, revision: number): void => {
  const kind = r.u8();
  if (kind === 0 || kind < 0) return;
  for (let i = 0; i < 3; i++) r.string(1024); // initial user, initial query id, initial address
  const iface = r.u8();
  if (iface === 1) {
    for (let i = 0; i < 3; i++) r.string(1024); // OS user, client host name, client name
    for (let i = 0; i < 3; i++) r.varuint();
  } else if (iface === 2) {
    r.u8();
    r.string(4096);
  } else if (r.ok) r.fail();
  if (revision >= withQuotaKey) r.string(1024);
  if (iface === 1 && revision >= withPatch) r.varuint();
};

const textOctet = (c: number): boolean => c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The parameters after the text (revision 54459 on): name, flags, value, until an empty name. */
const skipParameters = (r: ClickhouseReader): void => {
  for (
    let name = r.string(1024);
    r.ok && name !== undefined && name.end > name.start;
    name = r.string(1024)
  ) {
    r.varuint();
    r.string(1024 * 1024);
  }
};

/** Stage, compression, the text (and parameters): the packet read from `at`, or why not (0 short, -1 bad). */
const tail = (b: Uint8Array, at: number, revision: number, found: boolean): Query | number => {
  const r = new ClickhouseReader(b, at);
  const stage = r.varuint(2);
  const compression = r.varuint(1);
  const length = r.varuint(16 * 1024 * 1024);
  if (r.bad || length === 0) return -1;
  const text = { start: r.at, end: r.at + length };
  for (let i = text.start; i < Math.min(text.end, b.length); i++) if (!textOctet(b[i] ?? 0)) return -1;
  r.skip(length);
  if (revision >= withParameters) skipParameters(r);
  if (!r.ok || stage < 0) return r.result();
  // Found by its place, the text may end where the octets do; looked for, it ends where the Data packet begins.
  if (r.at === b.length) return found ? { end: r.at, text, compressed: compression === 1 } : 0;
  return b[r.at] === 2 ? { end: r.at, text, compressed: compression === 1 } : -1;
};

/** The first place from `from` where the packet's tail reads whole; 0 when one is cut short by the octets' end. */
const scan = (b: Uint8Array, from: number, revision: number, whole: boolean): Query | number => {
  const stop = Math.min(b.length, from + scanLimit);
  for (let at = from; at < stop; at++) {
    const found = tail(b, at, revision, whole);
    if (found !== -1) return found;
  }
  return b.length < from + scanLimit ? 0 : -1;
};

/** The Query packet at the start of `b` (its type octet known to be 1); `whole` when `b` is the packet, framed. */
export const readQuery = (b: Uint8Array, revision: number, whole = false): Query | number => {
  const r = new ClickhouseReader(b, 1);
  r.string(1024);
  if (revision < withClientInfo || revision >= settingsAsStrings)
    return r.ok ? scan(b, r.at, revision, whole) : r.result();
  clientInfo(r, revision);
  if (!r.ok) return r.bad ? scan(b, 1, revision, whole) : 0;
  return b[r.at] === 0 ? tail(b, r.at + 1, revision, true) : scan(b, r.at, revision, whole);
};
