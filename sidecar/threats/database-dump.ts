/**
 * A database copied out whole (MITRE ATT&CK T1005, T1213), read from the statements dump tools send: mysqldump's
 * and mariadb-dump's `SELECT /*!40001 SQL_NO_CACHE *\/ * FROM` per table, pg_dump's and psql's `COPY … TO stdout`,
 * mongodump's and mongoexport's `find` with no filter per collection, and Redis's full synchronisation asked for by a
 * client that never said it was a replica (`redis-cli --rdb`); on ClickHouse, `SELECT * FROM` a table, `BACKUP … TO`
 * and `INSERT INTO FUNCTION s3(…)` (database-dump-clickhouse.ts). One finding per connection, naming the first table;
 * its count is the tables (collections) read. A backup job does the same: allow its clients, or its database
 * servers, in the policy.
 */
import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';
import { readsRequests } from '../engine/event-read.ts';
import type { OperationEvent, RedisCommandEvent, SqlQueryEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { clickhouseDumpHits } from './database-dump-clickhouse.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /**
   * Tables (MongoDB collections) read whole before the finding is sure (the first one already reports, less surely; a
   * ClickHouse `SELECT * FROM` a table with no FORMAT or OUTFILE only at this number).
   */
  tables: z.number().int().min(1).max(1000).default(3),
  /** A copy to a place the statement names (ClickHouse: BACKUP … TO S3(…), INSERT INTO FUNCTION s3(…), url(…)…). */
  offSiteSeverity: severitySchema.default('high'),
  /** Clients allowed to dump (a backup job): an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowClients: allowList(),
  /** Database servers whose dumps are expected (a replica kept for backups): an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowServers: allowList(),
});

type Config = z.infer<typeof config>;

/**
 * Per connection: the tables (or distinct collections) read whole so far, how many of them findings told (ClickHouse),
 * and whether the Redis client said it was a replica.
 */
type State = { tables: string[]; told: number; replica: boolean };
const maxTables = 1000;

/** mysqldump's marker, then `*` (MySQL) or the column list (MariaDB 10.11's mariadb-dump), then the table. */
const mysqldumpRow =
  /^\s*SELECT\s+\/\*!40001\s+SQL_NO_CACHE\s*\*\/\s[^;]*?\bFROM\s+(`[^`]+`(?:\.`[^`]+`)?|\w+(?:\.\w+)?)/i;
/** A table (a name, quoted or not, with its column list) or a query copied out; both forms read in linear time. */
const copyTable = /^\s*COPY\s+((?:"[^"]*"|[^\s("])+)\s*(?:\([^)]*\))?\s+TO\s+stdout\b/i;
const copyQuery = /^\s*COPY\s*\(/i;
const toStdout = /\)\s*TO\s+stdout\b/i;

const tableRead = (event: SqlQueryEvent): { table: string; tool: string } | undefined => {
  const dumped = mysqldumpRow.exec(event.text);
  if (dumped !== null) return { table: dumped[1] ?? '', tool: "mysqldump's statements" };
  if (event.dialect !== 'postgresql') return undefined;
  const copied = copyTable.exec(event.text);
  if (copied !== null) return { table: copied[1] ?? '', tool: 'COPY … TO stdout' };
  if (copyQuery.test(event.text) && toStdout.test(event.text))
    return { table: '(a query)', tool: 'COPY … TO stdout' };
  return undefined;
};

/** One more table read whole: the finding's count is the tables read; told again, surer, from the policy's number. */
const tableHit = (table: string, story: string, ts: number, state: State, c: Config): ThreatHit[] => {
  if (state.tables.length >= maxTables) return noHits;
  state.tables.push(table.slice(0, 128));
  return [
    {
      threat: 'database-dump',
      severity: c.severity,
      confidence: state.tables.length >= c.tables ? 0.9 : 0.6,
      evidence: `${story}, the first ${state.tables[0]}`,
      ts,
    },
  ];
};

const sqlHit = (event: SqlQueryEvent, state: State, c: Config): ThreatHit[] => {
  if (event.dialect === 'clickhouse') return clickhouseDumpHits(event, state, c);
  const read = tableRead(event);
  if (read === undefined) return noHits;
  return tableHit(read.table, `tables read whole with ${read.tool}`, event.ts, state, c);
};

/**
 * mongodump and mongoexport read each collection with a `find` with no filter (the parser's `whole`). Collections are
 * counted once each: an application that reads one small collection whole again and again stays less sure.
 */
const mongoHit = (event: OperationEvent, state: State, c: Config): ThreatHit[] => {
  if (event.protocol !== 'mongodb' || event.operation !== 'find' || event.whole !== true) return noHits;
  const collection = (event.detail ?? '').slice(0, 128);
  if (state.tables.includes(collection)) return noHits;
  const story = 'collections read whole with find and no filter (as mongodump and mongoexport do)';
  return tableHit(collection, story, event.ts, state, c);
};

const redisHit = (event: RedisCommandEvent, state: State, c: Config): ThreatHit[] => {
  if (event.command === 'REPLCONF' && event.args[0]?.toLowerCase() === 'listening-port') state.replica = true;
  if ((event.command !== 'SYNC' && event.command !== 'PSYNC') || state.replica) return noHits;
  return [
    {
      threat: 'database-dump',
      severity: c.severity,
      confidence: 0.9,
      evidence: `the whole Redis dataset asked for (${event.command}) by a client that never said it was a replica`,
      ts: event.ts,
    },
  ];
};

export const databaseDump: Threat<typeof config, State> = {
  id: 'database-dump',
  on: ['sql-query', 'redis-command', 'operation'],
  reads: [
    { ...readsRequests('sql-query'), protocols: ['mysql', 'postgresql', 'clickhouse'] },
    { ...readsRequests('redis-command'), protocols: ['redis'] },
    { ...readsRequests('operation'), protocols: ['mongodb'] },
  ],
  config,
  scope: 'flow',
  initialState: () => ({ tables: [], told: 0, replica: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'sql-query' && event.kind !== 'redis-command' && event.kind !== 'operation')
      return noHits;
    if (event.direction !== 'to-server') return noHits;
    if (isAllowedServer(flow?.client, c.allowClients) || isAllowedServer(flow?.server, c.allowServers))
      return noHits;
    if (event.kind === 'operation') return mongoHit(event, state, c);
    return event.kind === 'sql-query' ? sqlHit(event, state, c) : redisHit(event, state, c);
  },
};
