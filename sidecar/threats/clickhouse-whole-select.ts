/**
 * A ClickHouse `SELECT * FROM table` that reads a table whole: no WHERE, PREWHERE, SAMPLE, LIMIT, JOIN or GROUP BY,
 * only what leaves the rows as they are (FINAL, ORDER BY columns, SETTINGS) and where they go (`INTO OUTFILE`,
 * `FORMAT`). Tables of the `system` and `information_schema` databases, which monitoring reads, are left out.
 */

export type WholeSelect = { table: string; format?: string; outfile: boolean };

/** A name as ClickHouse writes one: bare, or quoted with backticks or double quotes. */
const name = '(?:\\w+|`[^`]{1,256}`|"[^"]{1,256}")';
const head = new RegExp(`^\\s*SELECT\\s+\\*\\s+FROM\\s+(${name}(?:\\.${name})?)`, 'i');
/** SETTINGS name = value, …: each value a number, a word or a quoted string. */
const settings =
  "(?:\\s+SETTINGS\\s+\\w+\\s*=\\s*(?:'[^']*'|[\\w.+-]+)(?:\\s*,\\s*\\w+\\s*=\\s*(?:'[^']*'|[\\w.+-]+))*)?";
const orderBy = '(?:\\s+ORDER\\s+BY\\s+\\w+(?:\\s+(?:ASC|DESC))?(?:\\s*,\\s*\\w+(?:\\s+(?:ASC|DESC))?)*)?';
const outfile =
  "(?:\\s+INTO\\s+OUTFILE\\s+'(?:[^'\\\\]|\\\\.)*'(?:\\s+(?:AND\\s+STDOUT|APPEND|TRUNCATE))*" +
  "(?:\\s+COMPRESSION\\s+'[^']*'(?:\\s+LEVEL\\s+\\d+)?)?)?";
/**
 * What may follow the table, in ClickHouse's order (SELECT … ORDER BY … SETTINGS … INTO OUTFILE … FORMAT … SETTINGS);
 * each part begins with a keyword after white space, so a part matches in one way only and the test is linear.
 */
const tail = new RegExp(
  `^(?:\\s+FINAL)?${orderBy}${settings}(${outfile})(?:\\s+FORMAT\\s+(\\w+))?${settings}\\s*(?:;\\s*)?$`,
  'i',
);
const monitoring = /^[`"]?(?:system|information_schema)[`"]?\./i;

/** The table read whole and where its rows go; undefined for any other statement. */
export const wholeSelect = (text: string): WholeSelect | undefined => {
  const read = head.exec(text);
  if (read === null) return undefined;
  const table = read[1] ?? '';
  if (monitoring.test(table)) return undefined;
  const rest = tail.exec(text.slice(read[0].length));
  if (rest === null) return undefined;
  const format = rest[2];
  return { table, ...(format === undefined ? {} : { format }), outfile: (rest[1] ?? '') !== '' };
};
