/** Structural facts about SQL token runs that tell an injected fragment from prose: predicates, calls, tautologies. */
import type { SqlToken } from './sql-tokenize.ts';

/** Calls with no innocent use in a request parameter: time delays, error-based extraction, file and OS access. */
export const dangerousCalls = new Set(
  (
    'sleep benchmark pg_sleep extractvalue updatexml load_file name_const make_set export_set randomblob ' +
    'get_host_address xp_cmdshell sp_executesql sp_oacreate sys_eval sys_exec load_extension dbms_pipe ' +
    'receive_message funcall gtid_subset current_setting pg_read_file pg_ls_dir lo_import xmltype ' +
    'group_concat version database user current_user system_user session_user schema'
  ).split(' '),
);
/** Calls that are only dangerous with an empty argument list (`version()`), since the words are common. */
const emptyCalls = new Set([
  'version',
  'database',
  'user',
  'current_user',
  'system_user',
  'session_user',
  'schema',
]);
/** Schema objects an attacker enumerates; applications do not put them in parameters. */
export const sensitiveObjects =
  /^(information_schema|sysobjects|syscolumns|sys|sysibm|syscat|pg_shadow|pg_user|pg_catalog|sqlite_master|mysql|master|dual|all_tables|all_users|dba_\w+|user_tables|utl_\w+|dbms_\w+|xp_\w+)$/;
export const statementKeywords = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'drop',
  'create',
  'alter',
  'truncate',
  'exec',
  'execute',
  'declare',
  'waitfor',
  'shutdown',
  'grant',
  'revoke',
  'copy',
  'load',
  'call',
]);

const operandTypes = new Set(['n', 's', 'b', 'v', ')']);
const isLiteralKeyword = (t: SqlToken): boolean =>
  t.type === 'k' && (t.text === 'null' || t.text === 'true' || t.text === 'false');
const isOperand = (t: SqlToken | undefined): boolean =>
  t !== undefined && (operandTypes.has(t.type) || isLiteralKeyword(t));
const startsOperand = (t: SqlToken | undefined): boolean =>
  t !== undefined &&
  (isOperand(t) || t.type === '(' || t.type === 'o' || (t.type === 'k' && t.text === 'not'));

/** A call `name(`; for the common words (`user`, `version`) only the empty call `name()`. */
export const isDangerousCall = (tokens: readonly SqlToken[], i: number): boolean => {
  const t = tokens[i];
  if (t === undefined || (t.type !== 'b' && t.type !== 'k') || tokens[i + 1]?.type !== '(') return false;
  if (!dangerousCalls.has(t.text)) return false;
  return !emptyCalls.has(t.text) || tokens[i + 2]?.type === ')';
};

export const isCall = (tokens: readonly SqlToken[], i: number): boolean =>
  (tokens[i]?.type === 'b' || tokens[i]?.type === 'k') && tokens[i + 1]?.type === '(';

/** Prose has runs of bare words; SQL separates identifiers with operators, commas and keywords. */
export const hasWordRun = (tokens: readonly SqlToken[]): boolean =>
  tokens.some((t, i) => t.type === 'b' && tokens[i + 1]?.type === 'b');

const hasComparison = (tokens: readonly SqlToken[]): boolean =>
  tokens.some((t, i) => t.type === 'c' && isOperand(tokens[i - 1]) && startsOperand(tokens[i + 1]));

/** The tokens after a logic operator up to the next clause boundary. */
export const clauseAfter = (tokens: readonly SqlToken[], start: number): SqlToken[] => {
  const clause: SqlToken[] = [];
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (t.type === '(') depth++;
    if (t.type === ')') depth--;
    if (depth <= 0 && (t.type === 'C' || t.type === ';' || (t.type === '&' && clause.length > 0))) break;
    if (depth < 0) break;
    clause.push(t);
  }
  return clause;
};

/** Whether a clause reads as a SQL condition: a comparison, a call, a subquery, EXISTS, or a lone literal. */
export const isPredicate = (clause: readonly SqlToken[]): boolean => {
  if (clause.length === 0 || hasWordRun(clause)) return false;
  if (clause.some((t) => t.type === 'k' && (t.text === 'select' || t.text === 'exists'))) return true;
  if (clause.some((_, i) => isCall(clause, i))) return true;
  if (hasComparison(clause)) return true;
  const [only] = clause;
  return (
    clause.length === 1 &&
    only !== undefined &&
    (only.type === 'n' || (only.type === 's' && only.open !== true) || isLiteralKeyword(only))
  );
};

const literalText = (t: SqlToken | undefined): string | undefined => {
  if (t === undefined) return undefined;
  if (t.type === 's') return t.text.slice(1, t.open === true ? undefined : -1);
  return t.type === 'n' || t.type === 'b' ? t.text : undefined;
};

/** `1=1`, `'a'='a'`, `x=x`: a comparison of a value with itself, the classic always-true condition. */
export const isTautologyAt = (tokens: readonly SqlToken[], i: number): boolean => {
  const op = tokens[i];
  if (op === undefined || op.type !== 'c' || !['=', 'like', '<=>'].includes(op.text)) return false;
  const left = literalText(tokens[i - 1]);
  return left !== undefined && left === literalText(tokens[i + 1]) && tokens[i + 2]?.type !== '(';
};

/** UNION [ALL|DISTINCT] [(] SELECT anywhere. */
export const hasUnionSelect = (tokens: readonly SqlToken[]): boolean =>
  tokens.some((t, i) => {
    if (t.type !== 'u') return false;
    let j = i + 1;
    while (tokens[j]?.text === 'all' || tokens[j]?.text === 'distinct' || tokens[j]?.type === '(') j++;
    return tokens[j]?.text === 'select';
  });
