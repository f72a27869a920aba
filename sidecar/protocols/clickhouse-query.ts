/**
 * A ClickHouse Query packet (Connection::sendQuery): type 1, the query id, the client info block, the settings, the
 * interserver secret, the stage, the compression flag and the query text (and parameters). The client info and settings
 * layouts change with the negotiated revision; they are read field by field up to revision 54453 (checked on the wire
 * against ClickHouse 18.16 at 54412 and python3-clickhouse-driver at 54453), settings as strings from 54429, and before
 * 54429 only when no setting is sent (the old layout writes each value in its own type). Past what is read (a setting
 * in the old layout, an HTTP client's info from 54443, fields of revisions after 54453), the query text is looked for:
 * the first stage (0-2), compression flag (0-1) and non-empty printable string that ends where the Data packet every
 * client sends after a query (type 2) begins; it is told once that packet's first octet is seen.
 */
import { ClickhouseReader, type Span } from './clickhouse-reader.ts';

export type Query = { end: number; text: Span; compressed: boolean };

/** Revisions (ProtocolDefines.h) from which a field is written. */
const withClientInfo = 54032;
const withQuotaKey = 54060;
const withPatch = 54401;
const settingsAsStrings = 54429;
const withInterserverSecret = 54441;
const withOpenTelemetry = 54442;
/** An HTTP client's info gains fields (X-Forwarded-For, Referer) from here: not read, looked past. */
const withForwardedFor = 54443;
const withDistributedDepth = 54448;
const withStartTime = 54449;
const withParallelReplicas = 54453;
/** Query parameters after the text, written as settings are (name, flags, value), an empty name ending them. */
const withParameters = 54459;
/** The farthest the query text is looked for from where the client info begins. */
const scanLimit = 4096;

/** The client's own part of the client info: TCP (names, version, revision) or HTTP (method, user agent). */
const clientFields = (r: ClickhouseReader, revision: number): number => {
  const iface = r.u8();
  if (iface === 1) {
    for (let i = 0; i < 3; i++) r.string(1024); // OS user, client host name, client name
    for (let i = 0; i < 3; i++) r.varuint();
  } else if (iface === 2) {
    r.u8();
    r.string(4096);
  } else if (r.ok) r.fail();
  return iface === 2 && revision >= withForwardedFor ? -1 : iface;
};

/**
 * ClientInfo::write, field by field up to revision 54453 (checked on the wire at 54412 against ClickHouse 18.16 and
 * at 54453 against python3-clickhouse-driver): true when every field was read, false when later fields follow that
 * are not read here.
 */
const clientInfo = (r: ClickhouseReader, revision: number): boolean => {
  const kind = r.u8();
  if (kind <= 0) return true;
  for (let i = 0; i < 3; i++) r.string(1024); // initial user, initial query id, initial address
  if (revision >= withStartTime) r.skip(8);
  const iface = clientFields(r, revision);
  if (iface < 0) return false;
  if (revision >= withQuotaKey) r.string(1024);
  if (revision >= withDistributedDepth) r.varuint();
  if (iface === 1 && revision >= withPatch) r.varuint();
  if (revision >= withOpenTelemetry && r.u8() === 1) {
    r.skip(24); // trace id, span id
    r.string(1024);
    r.skip(1);
  }
  if (revision >= withParallelReplicas) for (let i = 0; i < 3; i++) r.varuint();
  return revision <= withParallelReplicas;
};

/** Settings as strings (revision 54429 on): name, flags, value, until an empty name; parameters are written alike. */
const skipNamedStrings = (r: ClickhouseReader): void => {
  for (
    let name = r.string(1024);
    r.ok && name !== undefined && name.end > name.start;
    name = r.string(1024)
  ) {
    r.varuint();
    r.string(1024 * 1024);
  }
};

const textOctet = (c: number): boolean => c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

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
  if (revision >= withParameters) skipNamedStrings(r);
  if (!r.ok || stage < 0) return r.result();
  // Found by its place, the text may end where the octets do; looked for, it ends where the Data packet begins.
  if (r.at === b.length) return found ? { end: r.at, text, compressed: compression === 1 } : 0;
  return b[r.at] === 2 ? { end: r.at, text, compressed: compression === 1 } : -1;
};

/**
 * The first place from `from` where the packet's tail reads whole; 0 when one is cut short by the octets' end. Linear
 * in the octets: a candidate's text is checked only up to its first octet that is not text, and every candidate
 * starts with two (its stage and compression flag), so the texts checked do not overlap.
 */
const scan = (b: Uint8Array, from: number, revision: number, whole: boolean): Query | number => {
  const stop = Math.min(b.length, from + scanLimit);
  for (let at = from; at < stop; at++) {
    const found = tail(b, at, revision, whole);
    if (found !== -1) return found;
  }
  return b.length < from + scanLimit ? 0 : -1;
};

/** Settings, then the interserver secret: false when the settings' layout is not one read here. */
const settingsRead = (r: ClickhouseReader, revision: number): boolean => {
  if (revision >= settingsAsStrings) skipNamedStrings(r);
  else if (r.b[r.at] === 0 || r.at >= r.b.length) r.skip(1);
  else return false;
  if (revision >= withInterserverSecret) r.string(1024);
  return true;
};

/** The Query packet at the start of `b` (its type octet known to be 1); `whole` when `b` is the packet, framed. */
export const readQuery = (b: Uint8Array, revision: number, whole = false): Query | number => {
  const r = new ClickhouseReader(b, 1);
  r.string(1024);
  if (revision < withClientInfo) return r.ok ? scan(b, r.at, revision, whole) : r.result();
  const known = clientInfo(r, revision);
  const from = r.at;
  if (r.ok && (!known || !settingsRead(r, revision))) return scan(b, from, revision, whole);
  if (!r.ok) return r.bad ? scan(b, 1, revision, whole) : 0;
  return tail(b, r.at, revision, true);
};
