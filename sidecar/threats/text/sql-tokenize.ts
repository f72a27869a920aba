/** A small SQL lexer in the spirit of libinjection: typed tokens (string, number, keyword, logic, ...) of any dialect. */

/**
 * s string, n number, v variable (@x, @@x), k keyword, u union, & logic (AND OR XOR && ||),
 * c comparison (= < > LIKE IN IS ...), o operator, b bareword, ( ) , ; . punctuation, C comment, x other.
 */
export type SqlTokenType =
  | 's'
  | 'n'
  | 'v'
  | 'k'
  | 'u'
  | '&'
  | 'c'
  | 'o'
  | 'b'
  | '('
  | ')'
  | ','
  | ';'
  | '.'
  | 'C'
  | 'x';
export type SqlToken = { type: SqlTokenType; text: string; open?: boolean };

const logic = new Set(['and', 'or', 'xor', '&&', '||']);
const comparisons = new Set(['like', 'rlike', 'regexp', 'in', 'is', 'between', 'sounds', 'glob', 'ilike']);
const keywords = new Set(
  (
    'select insert update delete drop create alter truncate exec execute declare waitfor delay all distinct ' +
    'from where having group order by limit offset into outfile dumpfile case when then else end as join on ' +
    'null true false not exists procedure analyse top grant revoke shutdown copy table database set values ' +
    'call begin commit rollback load data infile with returning cast'
  ).split(' '),
);
const symbolOperators = ['<=>', '<>', '!=', '<=', '>=', ':=', '&&', '||', '::', '=', '<', '>'];
const isWordChar = (c: string): boolean => {
  const code = c.charCodeAt(0);
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    code >= 0xa1
  );
};
const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f' || c === '\u00a0';

type Cursor = { text: string; at: number; versioned: number };

const readString = (cur: Cursor, quote: string): SqlToken => {
  const { text } = cur;
  let i = cur.at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === quote && text[i + 1] === quote) i += 2;
    else if (c === quote) break;
    else i++;
  }
  const open = i >= text.length;
  const token: SqlToken = { type: quote === '`' ? 'b' : 's', text: text.slice(cur.at, i + 1) };
  if (open) token.open = true;
  cur.at = Math.min(i + 1, text.length);
  return token;
};

const readComment = (cur: Cursor): SqlToken | undefined => {
  const { text, at } = cur;
  if (text.startsWith('/*!', at)) {
    cur.versioned++;
    cur.at = at + 3;
    while (/[0-9]/.test(text[cur.at] ?? '')) cur.at++;
    return undefined;
  }
  const block = text.startsWith('/*', at);
  const end = block ? text.indexOf('*/', at + 2) : text.indexOf('\n', at);
  const stop = end < 0 ? text.length : end + (block ? 2 : 0);
  cur.at = stop;
  return { type: 'C', text: text.slice(at, stop) };
};

const readWord = (cur: Cursor): SqlToken => {
  const { text } = cur;
  let i = cur.at;
  while (i < text.length && isWordChar(text[i] as string)) i++;
  const word = text.slice(cur.at, i).toLowerCase();
  cur.at = i;
  if (/^(0x[0-9a-f]*|[0-9]+(\.[0-9]*)?(e[0-9]+)?|0b[01]+)$/.test(word)) return { type: 'n', text: word };
  if (logic.has(word)) return { type: '&', text: word };
  if (comparisons.has(word)) return { type: 'c', text: word };
  if (word === 'union') return { type: 'u', text: word };
  return { type: keywords.has(word) ? 'k' : 'b', text: word };
};

const readVariable = (cur: Cursor): SqlToken => {
  const { text } = cur;
  let i = cur.at + 1;
  if (text[i] === '@') i++;
  if (text[i] === '`' || text[i] === '"' || text[i] === "'") {
    const quoted = readString({ ...cur, at: i }, text[i] as string);
    i += quoted.text.length;
  }
  while (i < text.length && (isWordChar(text[i] as string) || text[i] === '.')) i++;
  const token: SqlToken = { type: 'v', text: text.slice(cur.at, i).toLowerCase() };
  cur.at = i;
  return token;
};

const readBracketed = (cur: Cursor): SqlToken => {
  const end = cur.text.indexOf(']', cur.at);
  const stop = end < 0 ? cur.text.length : end + 1;
  const token: SqlToken = { type: 'b', text: cur.text.slice(cur.at, stop).toLowerCase() };
  cur.at = stop;
  return token;
};

const readSymbol = (cur: Cursor): SqlToken => {
  const { text, at } = cur;
  const operator = symbolOperators.find((op) => text.startsWith(op, at));
  if (operator !== undefined) {
    cur.at += operator.length;
    if (logic.has(operator)) return { type: '&', text: operator };
    return { type: operator === ':=' || operator === '::' ? 'o' : 'c', text: operator };
  }
  const c = text[at] as string;
  cur.at++;
  if (c === '(' || c === ')' || c === ',' || c === ';' || c === '.') return { type: c, text: c };
  return { type: /[+\-*/%^|&~!]/.test(c) ? 'o' : 'x', text: c };
};

/** One token at the cursor, or undefined when the cursor only skipped something (space, versioned-comment marks). */
const next = (cur: Cursor): SqlToken | undefined => {
  const { text, at } = cur;
  const c = text[at] as string;
  if (isSpace(c)) {
    cur.at++;
    return undefined;
  }
  if (c === "'" || c === '"' || c === '`') return readString(cur, c);
  if (text.startsWith('/*', at) || text.startsWith('--', at) || c === '#') return readComment(cur);
  if (cur.versioned > 0 && text.startsWith('*/', at)) {
    cur.versioned--;
    cur.at += 2;
    return undefined;
  }
  if (c === '@') return readVariable(cur);
  if (c === '[') return readBracketed(cur);
  if (isWordChar(c)) return readWord(cur);
  return readSymbol(cur);
};

/** Every token, however many come first (ADR 30): the caller bounds the text (a window, or a statement's 64 KiB). */
export const sqlTokenize = (text: string): SqlToken[] => {
  const cur: Cursor = { text, at: 0, versioned: 0 };
  const tokens: SqlToken[] = [];
  while (cur.at < text.length) {
    const token = next(cur);
    if (token !== undefined) tokens.push(token);
  }
  // An inline /* */ comment is whitespace to the database; only a trailing one truncates the query.
  return tokens.filter((t, i) => t.type !== 'C' || !t.text.startsWith('/*') || i === tokens.length - 1);
};
