/**
 * ClickHouse statements that copy data out whole: `SELECT * FROM table` (clickhouse-whole-select.ts), `BACKUP … TO`
 * and `INSERT INTO FUNCTION s3(…)/url(…)/remote(…) SELECT * FROM table`. One anchored regex rejects every other
 * statement before anything else is read. Off site: to a place the statement itself names (an S3 bucket, a URL,
 * another server) rather than storage the server's own configuration allows (a Disk, a File under its backup path).
 */
import { wholeSelect } from './clickhouse-whole-select.ts';

export type ClickhouseDumpRead =
  | { kind: 'table'; table: string; how: string; loud: boolean; offSite: boolean }
  | { kind: 'backup'; what: string; engine: string; place: string; offSite: boolean };

const trigger = /^\s*(?:SELECT\s+\*|BACKUP\s|INSERT\s+INTO\s+(?:TABLE\s+)?FUNCTION\s)/i;
/** Output formats for a person at a terminal, not for a file. */
const forPeople = /^(?:Pretty|Vertical|Markdown|Null$)/i;
const backupHead =
  /^\s*BACKUP\s+(?:ASYNC\s+)?(ALL|(?:TEMPORARY\s+)?TABLE|DATABASE|DICTIONARY|VIEW)\b(?:\s+(?!TO\s)([\w.`"]{1,256}))?/i;
const backupTo = /\sTO\s+(\w{1,64})\s*\(/gi;
/** Backup engines whose storage the server's configuration names (`backups.allowed_disk`, `allowed_path`). */
const localBackups = new Set(['disk', 'file', 'memory']);
const insertFunction = /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?FUNCTION\s+(\w{1,64})\s*\(/i;
/** Table functions that write to another system: object stores, URLs, other servers and databases. */
const offSiteFunctions = new Set([
  's3',
  's3cluster',
  'gcs',
  'oss',
  'cosn',
  'url',
  'remote',
  'remotesecure',
  'mysql',
  'postgresql',
  'mongodb',
  'redis',
  'hdfs',
  'azureblobstorage',
  'odbc',
  'jdbc',
]);
const firstArgument = /^\s*'((?:[^'\\]|\\.){0,512})'/;
const source = /^\s*(?:\([^()]*\)\s*)?(SELECT\b[\s\S]*)$/i;

/** Credentials a first argument may carry: a URL's user and password, an Azure connection string's key. */
const credentials = /\/\/[^/@]*@|(?:AccountKey|SharedAccessSignature)=[^;]*;?/gi;

/** The first argument when quoted (a URL, a host), without credentials in it or a query string after it. */
const placeOf = (text: string, from: number): string => {
  const quoted = firstArgument.exec(text.slice(from, from + 1024))?.[1] ?? '';
  return (
    quoted
      .replace(credentials, (c) => (c.startsWith('//') ? '//' : ''))
      .split('?')[0]
      ?.slice(0, 128) ?? ''
  );
};

/** The index of the quote closing a string begun at `open` (a backslash escapes the next character). */
const stringEnd = (text: string, open: number): number => {
  let i = open + 1;
  while (i < text.length && text.charCodeAt(i) !== 0x27) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
  return i;
};

/** The index of the parenthesis closing the one at `open`, skipping quoted strings; -1 when it is not closed. */
const closing = (text: string, open: number): number => {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x27) i = stringEnd(text, i);
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i;
  }
  return -1;
};

const selectRead = (text: string): ClickhouseDumpRead | undefined => {
  const read = wholeSelect(text);
  if (read === undefined) return undefined;
  const exported = read.outfile || (read.format !== undefined && !forPeople.test(read.format));
  const how = read.outfile
    ? 'SELECT * … INTO OUTFILE'
    : `SELECT *${exported ? ` … FORMAT ${read.format}` : ''}`;
  return { kind: 'table', table: read.table, how, loud: exported, offSite: false };
};

const backupRead = (text: string): ClickhouseDumpRead | undefined => {
  const head = backupHead.exec(text);
  backupTo.lastIndex = 0;
  const to = head === null ? null : backupTo.exec(text);
  if (head === null || to === null) return undefined;
  const engine = to[1] ?? '';
  const what = `${(head[1] ?? '').toUpperCase()}${head[2] === undefined ? '' : ` ${head[2]}`}`;
  const place = placeOf(text, backupTo.lastIndex);
  return { kind: 'backup', what, engine, place, offSite: !localBackups.has(engine.toLowerCase()) };
};

const insertRead = (text: string): ClickhouseDumpRead | undefined => {
  const into = insertFunction.exec(text);
  const fn = (into?.[1] ?? '').toLowerCase();
  if (into === null || (fn !== 'file' && !offSiteFunctions.has(fn))) return undefined;
  const end = closing(text, into[0].length - 1);
  const select = end < 0 ? undefined : source.exec(text.slice(end + 1))?.[1];
  const read = select === undefined ? undefined : wholeSelect(select);
  if (read === undefined) return undefined;
  const place = placeOf(text, into[0].length);
  const how = `INSERT INTO FUNCTION ${into[1]}${place === '' ? '' : ` (${place})`}`;
  return { kind: 'table', table: read.table, how, loud: true, offSite: fn !== 'file' };
};

/** What the statement copies out, and where; undefined for every other statement. */
export const clickhouseDumpRead = (text: string): ClickhouseDumpRead | undefined => {
  if (!trigger.test(text)) return undefined;
  const first = text.trimStart().charCodeAt(0) | 0x20;
  if (first === 0x73) return selectRead(text);
  return first === 0x62 ? backupRead(text) : insertRead(text);
};
