/**
 * database-dump on ClickHouse: tables read whole, each counted once per connection. A `SELECT * FROM table` with
 * nothing after it is what an application or an analyst sends for one small table, and also what
 * `clickhouse-client --format Native -q …` sends (the client formats the rows; the wire carries the statement
 * alone), so such reads are told only once `tables` of them are reached on one connection, all at once. Rows sent to
 * a file or in a file format (`INTO OUTFILE`, `FORMAT Native`, CSV, Parquet…) are told from the first table, as is a
 * copy to another system (`INSERT INTO FUNCTION s3(…)`), which is sure at once and takes `offSiteSeverity`. A
 * `BACKUP` is one finding per statement: off site (S3, Azure) surely, to the server's own disks less surely.
 */
import type { Severity } from '#core/finding.ts';
import type { SqlQueryEvent } from '../events.ts';
import { type ClickhouseDumpRead, clickhouseDumpRead } from './clickhouse-dump-read.ts';
import { noHits, type ThreatHit } from './threat.ts';

/** Per connection: the distinct tables read whole, and how many of them findings have told. */
export type ClickhouseDumpState = { tables: string[]; told: number };
export type ClickhouseDumpConfig = { severity: Severity; offSiteSeverity: Severity; tables: number };

const maxTables = 1000;

const tableHits = (
  read: Extract<ClickhouseDumpRead, { kind: 'table' }>,
  ts: number,
  state: ClickhouseDumpState,
  c: ClickhouseDumpConfig,
): ThreatHit[] => {
  const table = read.table.slice(0, 128);
  if (state.tables.length < maxTables && !state.tables.includes(table)) state.tables.push(table);
  const sure = read.offSite || state.tables.length >= c.tables;
  const count = state.tables.length - state.told;
  // A table copied off site is told even when its reading was told already: where it went is the news.
  if ((!read.loud && !sure) || (count <= 0 && !read.offSite)) return noHits;
  state.told = state.tables.length;
  const verb = read.offSite ? 'copied out' : 'read whole';
  return [
    {
      threat: 'database-dump',
      severity: read.offSite ? c.offSiteSeverity : c.severity,
      confidence: sure ? 0.9 : 0.6,
      evidence: `tables ${verb} with ${read.how}, the first ${state.tables[0]}`,
      ts,
      count: Math.max(1, count),
    },
  ];
};

const backupHit = (
  read: Extract<ClickhouseDumpRead, { kind: 'backup' }>,
  ts: number,
  c: ClickhouseDumpConfig,
) => {
  const place = read.place === '' ? '' : ` ${read.place}`;
  const where = read.offSite ? 'a place the statement names' : "storage the server's configuration allows";
  return [
    {
      threat: 'database-dump',
      severity: read.offSite ? c.offSiteSeverity : c.severity,
      confidence: read.offSite ? 0.9 : 0.6,
      evidence: `a backup of ${read.what} to ${read.engine}${place} (${where})`,
      ts,
    },
  ];
};

export const clickhouseDumpHits = (
  event: SqlQueryEvent,
  state: ClickhouseDumpState,
  c: ClickhouseDumpConfig,
): ThreatHit[] => {
  const read = clickhouseDumpRead(event.text);
  if (read === undefined) return noHits;
  return read.kind === 'backup' ? backupHit(read, event.ts, c) : tableHits(read, event.ts, state, c);
};
