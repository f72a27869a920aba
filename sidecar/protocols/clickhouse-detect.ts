/**
 * ClickHouse's native protocol told from either side's first packet (src/Core/Protocol.h, Server/TCPHandler.cpp,
 * Client/Connection.cpp): the client's Hello (type 0, its name, version and revision, then database, user and
 * password) or the server's Hello (type 0, its name, version, revision and time zone) or Exception (type 2, a code, an
 * exception class, a message). Its first octet, 0x00, is many binary protocols', so every field is held to its bounds:
 * names printable, versions below 1000, a revision of the 54xxx series ClickHouse has used since 2016.
 */
import type { Direction } from '../events.ts';
import { ClickhouseReader } from './clickhouse-reader.ts';
import type { Detection } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

/** Protocol revisions (DBMS_TCP_PROTOCOL_VERSION): 54000 and up since 2016, 54412 for 18.16. */
export const minRevision = 54000;
export const maxRevision = 60000;

const printableOctet = (c: number, lines: boolean): boolean =>
  (c >= 0x20 && c !== 0x7f) || (lines && (c === 0x09 || c === 0x0a || c === 0x0d));

/**
 * A string whose octets present are printable (UTF-8 above 0x7f allowed), at least `min` long: false at once when an
 * octet is not, so a short prefix of another protocol is refused before it is whole.
 */
export const printableString = (r: ClickhouseReader, min: number, max: number, lines = false): boolean => {
  const length = r.varuint(max);
  if (length < 0) return r.short;
  if (length < min) return false;
  const end = Math.min(r.at + length, r.b.length);
  for (let i = r.at; i < end; i++) if (!printableOctet(r.b[i] ?? 0, lines)) return false;
  r.skip(length);
  return true;
};

const revision = (r: ClickhouseReader): boolean => {
  const major = r.varuint(1000);
  const minor = r.varuint(1000);
  const rev = r.varuint(maxRevision);
  return r.short || (major >= 0 && minor >= 0 && rev >= minRevision);
};

/** Client Hello: name, major, minor, revision, database, user, password (Connection::sendHello). */
const clientHello = (r: ClickhouseReader): boolean =>
  printableString(r, 1, 128) &&
  revision(r) &&
  printableString(r, 0, 256) &&
  printableString(r, 0, 256) &&
  (r.string(4096) !== undefined || r.short);

/** Server Hello: name, major, minor, revision, then the time zone (clients since revision 54058 are sent it). */
const serverHello = (r: ClickhouseReader): boolean =>
  printableString(r, 1, 64) && revision(r) && printableString(r, 1, 64);

/** Exception: Int32 code, the class (`DB::Exception`), the message (TCPHandler::sendException, writeException). */
const exception = (r: ClickhouseReader): boolean => {
  const code = r.u32le();
  if (r.short) return true;
  if (code <= 0 || code > 100_000) return false;
  const nameAt = r.at;
  if (!printableString(r, 1, 128)) return false;
  if (r.short) return true;
  return latin1(r.b, nameAt, r.at).includes('xception') && printableString(r, 0, 64 * 1024, true);
};

const outcome = (r: ClickhouseReader, fits: boolean): Detection => {
  if (!fits || r.bad) return 'no-match';
  return r.short ? 'need-more' : 'match';
};

export const detectClickhouse = (bytes: Uint8Array, direction: Direction): Detection => {
  const type = bytes[0];
  if (type === undefined) return 'need-more';
  const r = new ClickhouseReader(bytes, 1);
  if (type === 0) return outcome(r, direction === 'to-server' ? clientHello(r) : serverHello(r));
  return type === 2 && direction === 'to-client' ? outcome(r, exception(r)) : 'no-match';
};
