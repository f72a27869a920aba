/** Judges a request value as a SQL fragment in the three places it can land (bare, inside '…', inside "…"). */
import {
  clauseAfter,
  hasUnionSelect,
  hasWordRun,
  isDangerousCall,
  isPredicate,
  isTautologyAt,
  sensitiveObjects,
  statementKeywords,
} from './sql-shapes.ts';
import { type SqlToken, sqlTokenize } from './sql-tokenize.ts';
import { inWindows } from './text-windows.ts';

const maxLength = 4096;
/** Cheap pre-filter: without one of these there is no SQL structure to judge. */
const hint =
  /['"`;()=#@|&<>]|--|\/\*|\b(?:union|select|and|or|xor|order|group|having|where|waitfor|exec|declare|create|drop|insert|delete|update|limit)\b/i;

/** Leading tokens the surrounding query supplies the meaning of: `)` closers, and in bare context a number. */
const tailStart = (tokens: readonly SqlToken[], bare: boolean): number => {
  let i = 0;
  if (bare) {
    while (tokens[i]?.type === '(' || tokens[i]?.type === ',') i++;
    if (tokens[i]?.type === 'n' || (tokens[i]?.type === 's' && tokens[i]?.open !== true)) i++;
  } else {
    i = 1;
  }
  while (tokens[i]?.type === ')') i++;
  return i;
};

const selectLooksReal = (tokens: readonly SqlToken[], i: number): boolean => {
  const rest = tokens.slice(i + 1);
  const first = rest[0];
  const fromAt = rest.findIndex((t) => t.text === 'from');
  if (first === undefined || hasWordRun(rest.slice(0, fromAt < 0 ? 8 : fromAt))) return false;
  if (fromAt < 0)
    return (
      rest.length <= 8 &&
      (first.type === 'v' || rest.some((t) => t.type === '(') || rest.at(-1)?.type === ';')
    );
  const after = rest[fromAt + 2];
  return after === undefined || after.type !== 'b';
};

const ddl = new Set(['create', 'drop', 'alter', 'truncate']);

/** `DROP TABLE users`, `CREATE TABLE t (`: a table statement, not "drop a table tennis ball". */
const ddlAt = (tokens: readonly SqlToken[], i: number): boolean =>
  tokens[i + 1]?.text === 'table' && tokens[i + 2]?.type === 'b' && !hasWordRun(tokens.slice(i + 2, i + 5));

const statementAt = (tokens: readonly SqlToken[], i: number): boolean => {
  const t = tokens[i];
  const n1 = tokens[i + 1];
  if (t === undefined || !statementKeywords.has(t.text)) return false;
  if (t.text === 'select') return selectLooksReal(tokens, i);
  if (t.text === 'declare') return n1?.type === 'v';
  if (t.text === 'waitfor') return n1?.text === 'delay' && tokens[i + 2]?.type === 's';
  if (t.text === 'exec' || t.text === 'execute')
    return n1?.type === 'b' || n1?.type === 'v' || n1?.type === '(';
  if (t.text === 'shutdown') return n1 === undefined || n1.type === ';' || n1.type === 'C';
  if (ddl.has(t.text)) return ddlAt(tokens, i);
  return (
    (n1?.text === 'into' || n1?.text === 'from' || n1?.type === 'b') &&
    tokens.some((x) => x.type === ';' || x.type === 'C')
  );
};

const clauseKeywordAt = (tokens: readonly SqlToken[], i: number): boolean => {
  const t = tokens[i]?.text;
  const n1 = tokens[i + 1];
  if ((t === 'order' || t === 'group') && n1?.text === 'by')
    return tokens[i + 2]?.type === 'n' || tokens.at(-1)?.type === 'C';
  if (t === 'having' || t === 'where') return isPredicate(clauseAfter(tokens, i + 1));
  if (t === 'as' && n1?.type === 'b') return clauseKeywordAt(tokens, i + 2);
  if (t === 'into') return n1?.text === 'outfile' || n1?.text === 'dumpfile';
  if (t === 'limit') return n1?.type === 'n' && (tokens.length <= i + 4 || tokens.at(-1)?.type === 'C');
  return t === 'procedure' && n1?.text === 'analyse';
};

/** What follows the break-out point: the fragment's own grammar. */
const tailVerdict = (tokens: readonly SqlToken[], start: number, quoted: boolean): string | undefined => {
  const t = tokens[start];
  if (t === undefined) return undefined;
  if (t.type === '&' && isPredicate(clauseAfter(tokens, start + 1))) return 'boolean condition appended';
  if (t.type === ';' && statementAt(tokens, start + 1)) return 'stacked statement';
  if (quoted && t.type === 'C') return 'string closed and rest of query commented out';
  if (clauseKeywordAt(tokens, start)) return `${t.text} clause appended`;
  if (statementAt(tokens, start) && (!quoted || tokens.some((x) => x.type === ';' || x.type === 'C')))
    return 'statement';
  return undefined;
};

/** Findings that hold wherever they appear in the value. */
const anywhereVerdict = (tokens: readonly SqlToken[]): string | undefined => {
  if (hasUnionSelect(tokens)) return 'UNION SELECT';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (isDangerousCall(tokens, i)) return `${t.text}() call`;
    if (t.type === '&' && isTautologyAt(tokens, i + 2)) return 'tautology';
    if (t.type === 'v' && t.text.startsWith('@@')) return `system variable ${t.text}`;
  }
  const hasStatement = tokens.some(
    (t) => t.type === 'k' && (t.text === 'select' || t.text === 'from' || t.text === 'exec'),
  );
  const object = tokens.find(
    (t) => t.type === 'b' && sensitiveObjects.test(t.text) && t.text !== 'dual' && t.text !== 'sys',
  );
  return hasStatement && object !== undefined ? `system catalog ${object.text}` : undefined;
};

/** One window of the value (`inWindows`). */
const judge = (text: string): string | undefined => {
  const bare = sqlTokenize(text);
  const found = anywhereVerdict(bare) ?? tailVerdict(bare, tailStart(bare, true), false);
  if (found !== undefined) return found;
  for (const quote of ["'", '"']) {
    if (!text.includes(quote)) continue;
    const tokens = sqlTokenize(quote + text);
    const verdict = anywhereVerdict(tokens) ?? tailVerdict(tokens, tailStart(tokens, false), true);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
};

/** A short reason when `value` injects SQL structure; undefined for data, including prose with SQL words in it. */
export const sqlInjectionVerdict = (value: string): string | undefined =>
  value.length < 2 || !hint.test(value) ? undefined : inWindows(value, maxLength, judge);
