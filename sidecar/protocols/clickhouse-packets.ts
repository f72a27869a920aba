/**
 * Where each ClickHouse packet ends (src/Core/Protocol.h): the client's Hello, Query, Data, Cancel, Ping, tables
 * status request and Scalar; the server's Hello, Data, Exception, Progress, Pong, EndOfStream, ProfileInfo, Totals,
 * Extremes, Log, TableColumns and ProfileEvents. Packets carry no length: each is walked field by field. The lengths
 * are > 0, 0 when more octets are needed, -1 when the packet cannot be followed (the direction stops).
 */
import { fullFrame, looksLikeFrame, skipBlock, skipFrame } from './clickhouse-block.ts';
import { readQuery } from './clickhouse-query.ts';
import { ClickhouseReader } from './clickhouse-reader.ts';

/** What framing needs to know of the connection: the revision both sides speak and the current query's compression. */
export type Negotiated = {
  revision: number;
  compressed: boolean;
  serverHelloSeen: boolean;
  addendum: boolean;
};

/** Revisions: server time zone 54058, display name 54372, patch 54401, written rows 54420, query time 54460. */
const withTimezone = 54058;
const withDisplayName = 54372;
const withPatch = 54401;
const withWriteInfo = 54420;
const withElapsed = 54460;
/** The last revision whose layouts here were checked on the wire (ClickHouse 18.16). */
export const checkedRevision = 54412;

/** A Data-like packet: a table name, then a compressed frame (or frames) or an uncompressed block. */
const data = (r: ClickhouseReader, n: Negotiated, compressed: boolean): number => {
  r.string(1024);
  if (!compressed) skipBlock(r, n.revision);
  else {
    let size = skipFrame(r);
    while (r.ok && size >= fullFrame && looksLikeFrame(r.b, r.at)) size = skipFrame(r);
  }
  return r.result();
};

const hello = (r: ClickhouseReader): number => {
  r.string(1024);
  for (let i = 0; i < 3; i++) r.varuint();
  for (let i = 0; i < 3; i++) r.string(4096);
  return r.result();
};

export const clientPacket = (b: Uint8Array, n: Negotiated): number => {
  const r = new ClickhouseReader(b, 0);
  if (n.addendum) {
    // The addendum after the server's Hello (revision 54458 on): the quota key, alone.
    r.string(1024);
    return r.result();
  }
  const type = r.varuint(7);
  if (type === 0) return hello(r);
  if (type === 1) {
    const query = readQuery(b, n.revision);
    return typeof query === 'number' ? query : query.end;
  }
  if (type === 2 || type === 7) return data(r, n, n.compressed);
  if (type === 3 || type === 4 || type === 6) return r.result();
  if (type === 5) {
    const tables = r.varuint(100_000);
    for (let i = 0; i < tables * 2 && r.ok; i++) r.string(1024);
  } else r.fail();
  return r.result();
};

/** The server's Hello: the fields below 54412 one by one; a later revision's extra fields are the rest of the write. */
const serverHello = (r: ClickhouseReader, revision: number): number => {
  r.string(1024);
  for (let i = 0; i < 3; i++) r.varuint();
  if (revision >= withTimezone) r.string(1024);
  if (revision >= withDisplayName) r.string(1024);
  if (revision >= withPatch) r.varuint();
  if (r.ok && revision > checkedRevision) return r.b.length;
  return r.result();
};

/** Exception: code, class, message, stack trace, has_nested, and the nested exceptions the same way. */
export const skipException = (r: ClickhouseReader): void => {
  for (let nested = 1; r.ok && nested === 1; ) {
    r.u32le();
    for (let i = 0; i < 3; i++) r.string(1024 * 1024);
    nested = r.u8();
    if (nested > 1) r.fail();
  }
};

const progress = (r: ClickhouseReader, revision: number): number => {
  const fields = 3 + (revision >= withWriteInfo ? 2 : 0) + (revision >= withElapsed ? 1 : 0);
  for (let i = 0; i < fields; i++) r.varuint();
  return revision > withElapsed ? r.fail() : r.result();
};

const profileInfo = (r: ClickhouseReader, revision: number): number => {
  for (let i = 0; i < 3; i++) r.varuint();
  r.u8();
  r.varuint();
  r.u8();
  return revision > withElapsed ? r.fail() : r.result();
};

export const serverPacket = (b: Uint8Array, n: Negotiated): number => {
  const r = new ClickhouseReader(b, 0);
  const type = r.varuint(14);
  if (type === 0) return serverHello(r, n.revision);
  if (type === 1 || type === 7 || type === 8) return data(r, n, n.compressed);
  // Log and ProfileEvents blocks are never compressed (TCPHandler::sendLogData).
  if (type === 10 || type === 14) return data(r, n, false);
  if (type === 2) skipException(r);
  else if (type === 3) return progress(r, n.revision);
  else if (type === 6) return profileInfo(r, n.revision);
  else if (type === 11) for (let i = 0; i < 2; i++) r.string(1024 * 1024);
  else if (type !== 4 && type !== 5) r.fail();
  return r.result();
};
