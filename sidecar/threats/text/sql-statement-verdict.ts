/** Judges a whole SQL statement an application sent: injected structure (tautology, stacked query after a string break, truncated UNION), not keywords. */
import {
  hasUnionSelect,
  isDangerousCall,
  isTautologyAt,
  sensitiveObjects,
  statementKeywords,
} from './sql-shapes.ts';
import { type SqlToken, sqlTokenize } from './sql-tokenize.ts';

/**
 * Characters of a statement judged, all of its tokens (the parsers keep 64 KiB of SQL text): an IN list of 1000 ids
 * or a long literal before the injected condition hides nothing. The cost is linear in the text.
 */
const maxLength = 64 * 1024;

/** An odd quote left open, or a line comment holding the application's own closing quote: the query was cut short. */
const isTruncated = (tokens: readonly SqlToken[]): boolean => {
  const last = tokens.at(-1);
  if (last === undefined) return false;
  if (last.open === true) return true;
  const lineComment = tokens.findIndex((t) => t.type === 'C' && !t.text.startsWith('/*'));
  if (lineComment < 0) return false;
  const before = tokens[lineComment - 1];
  return /['"]/.test(tokens[lineComment]?.text ?? '') || before?.type === 's';
};

/** `'…'; DROP …`: a string literal closed and a new statement started right after it. */
const hasStackAfterString = (tokens: readonly SqlToken[]): boolean =>
  tokens.some((t, i) => {
    if (t.type !== ';') return false;
    let j = i - 1;
    while (tokens[j]?.type === ')') j--;
    return tokens[j]?.type === 's' && statementKeywords.has(tokens[i + 1]?.text ?? '');
  });

const orTautology = (tokens: readonly SqlToken[]): boolean =>
  tokens.some(
    (t, i) => t.type === '&' && t.text !== 'and' && t.text !== '&&' && isTautologyAt(tokens, i + 2),
  );

const conditionalDelay = (tokens: readonly SqlToken[]): boolean =>
  tokens.some((t, i) => t.type === '&' && isDangerousCall(tokens, i + 1));

/** A short reason when the statement carries injected structure; undefined for ordinary application SQL. */
export const sqlStatementVerdict = (statement: string): string | undefined => {
  const text = statement.length > maxLength ? statement.slice(0, maxLength) : statement;
  const tokens = sqlTokenize(text);
  if (orTautology(tokens)) return 'OR tautology in condition';
  if (conditionalDelay(tokens)) return 'time or error function in condition';
  const truncated = isTruncated(tokens);
  if (hasStackAfterString(tokens) && truncated) return 'stacked statement after a string break';
  if (
    hasUnionSelect(tokens) &&
    (truncated || tokens.some((t) => t.type === 'b' && sensitiveObjects.test(t.text) && t.text !== 'dual'))
  ) {
    return 'UNION SELECT with truncation or catalog access';
  }
  return undefined;
};
