/**
 * Finds the expressions a template engine or expression language would evaluate in a text: `{{…}}`, `{%…%}`,
 * `${…}`, `#{…}`, `%{…}`, `*{…}` and `<%…%>`, each with its opener and body, outer ones first. Linear in the text:
 * braces are paired in one pass, fixed closers looked up once each, bodies bounded at 2048 characters, and the
 * bodies handed out at most four times the text's length in all (nested bodies repeat their insides; an outer one
 * already holds what an inner one does). A longer body is handed out condensed when that brings it within the bound:
 * string literals of 64 characters or more emptied and runs of white space made one, since padding an expression
 * with a long literal or blanks past an inspector's bound changes nothing of what the engine evaluates.
 */

export type Opener = '{{' | '{%' | '${' | '#{' | '%{' | '*{' | '<%';
export type TemplateExpression = { opener: Opener; body: string; at: number };

const maxBody = 2048;
const openers = /\{\{|\{%|[$#%*]\{|<%/g;
const fixedClosers: Partial<Record<Opener, string>> = { '{{': '}}', '{%': '%}', '<%': '%>' };
const longLiterals = /'[^'\\\n]{64,}'|"[^"\\\n]{64,}"/g;
const blanks = /\s{2,}/g;

/** A body past the bound with its padding taken out, or undefined when it is still past the bound. */
const condensed = (body: string): string | undefined => {
  const short = body.replace(longLiterals, (literal) => `${literal[0]}${literal[0]}`).replace(blanks, ' ');
  return short.length > maxBody ? undefined : short;
};

/** For each `{`, where its `}` is (-1: never closed), nesting counted. */
const bracePairs = (text: string): Int32Array => {
  const pairs = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let i = text.indexOf('{'); i >= 0 && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) open.push(i);
    else if (c === 0x7d && open.length > 0) pairs[open.pop() as number] = i;
  }
  return pairs;
};

/** A closer's next position at or after `from`, remembered per closer so each is searched for once per position. */
const closerFinder = (text: string) => {
  const next = new Map<string, number>();
  return (close: string, from: number): number => {
    const known = next.get(close);
    if (known !== undefined && (known < 0 || known >= from)) return known;
    const at = text.indexOf(close, from);
    next.set(close, at);
    return at;
  };
};

export const templateExpressions = (text: string): TemplateExpression[] => {
  const found: TemplateExpression[] = [];
  const find = closerFinder(text);
  let pairs: Int32Array | undefined;
  let budget = text.length * 4;
  openers.lastIndex = 0;
  for (let match = openers.exec(text); match !== null && budget > 0; match = openers.exec(text)) {
    const opener = match[0] as Opener;
    const from = match.index + 2;
    const close = fixedClosers[opener];
    if (close === undefined) pairs ??= bracePairs(text);
    const end = close === undefined ? (pairs?.[from - 1] ?? -1) : find(close, from);
    if (end < 0) continue;
    const body = end - from > maxBody ? condensed(text.slice(from, end)) : text.slice(from, end);
    budget -= end - from;
    if (body !== undefined) found.push({ opener, body, at: match.index });
  }
  return found;
};
