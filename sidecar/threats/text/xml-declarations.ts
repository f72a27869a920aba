/**
 * Reads the declarations of an XML document that XXE attacks use, as a parser would and in one pass: entity
 * declarations (`<!ENTITY [%] name SYSTEM "uri">`, `PUBLIC "id" "uri"`, or a quoted value) and the DOCTYPE's external
 * identifier. Lenient about case; a literal that never closes ends the reading, as it ends a parser's.
 */

export type EntityDeclaration = {
  /** `&name` for a general entity, `%name` for a parameter entity. */
  name: string;
  /** The URI of an external entity. */
  external?: string;
  /** The literal value of an internal entity. */
  value?: string;
  /** Where the declaration's last literal ends. */
  end: number;
};
export type ExternalId = { keyword: 'SYSTEM' | 'PUBLIC'; literals: string[] };

const entityStart = /<!ENTITY/gi;
const doctypeStart = /<!DOCTYPE/i;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isNameEnd = (c: number): boolean => isSpace(c) || c === 0x22 || c === 0x27 || c === 0x3e || c === 0x25;
const skipSpaces = (text: string, at: number): number => {
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
};
const nameAt = (text: string, at: number): string => {
  let end = at;
  while (end < text.length && !isNameEnd(text.charCodeAt(end))) end++;
  return text.slice(at, end);
};

type Literal = { value: string; end: number } | 'none' | 'unclosed';
const literalAt = (text: string, at: number): Literal => {
  const quote = text[at];
  if (quote !== '"' && quote !== "'") return 'none';
  const close = text.indexOf(quote, at + 1);
  return close < 0 ? 'unclosed' : { value: text.slice(at + 1, close), end: close + 1 };
};

/** `SYSTEM "uri"` or `PUBLIC "id" ["uri"]` at `at`: its literals and end; 'none' or 'unclosed' as for a literal. */
const externalIdAt = (text: string, at: number): (ExternalId & { end: number }) | 'none' | 'unclosed' => {
  const keyword = text.slice(at, at + 6).toUpperCase();
  if (keyword !== 'SYSTEM' && keyword !== 'PUBLIC') return 'none';
  const first = literalAt(text, skipSpaces(text, at + 6));
  if (typeof first !== 'object') return first;
  if (keyword === 'SYSTEM') return { keyword, literals: [first.value], end: first.end };
  const second = literalAt(text, skipSpaces(text, first.end));
  if (second === 'unclosed') return second;
  return second === 'none'
    ? { keyword, literals: [first.value], end: first.end }
    : { keyword, literals: [first.value, second.value], end: second.end };
};

/** One declaration whose `<!ENTITY` ends at `at`; 'none' when it is not one, 'unclosed' when a literal never closes. */
const declarationAt = (text: string, at: number): EntityDeclaration | 'none' | 'unclosed' => {
  if (!isSpace(text.charCodeAt(at))) return 'none';
  let i = skipSpaces(text, at);
  const parameter = text[i] === '%' && isSpace(text.charCodeAt(i + 1));
  if (parameter) i = skipSpaces(text, i + 1);
  const bare = nameAt(text, i);
  if (bare === '') return 'none';
  const name = `${parameter ? '%' : '&'}${bare}`;
  i = skipSpaces(text, i + bare.length);
  const id = externalIdAt(text, i);
  if (id === 'unclosed') return id;
  if (id !== 'none') return { name, external: id.literals.at(-1) ?? '', end: id.end };
  const literal = literalAt(text, i);
  return typeof literal === 'object' ? { name, value: literal.value, end: literal.end } : literal;
};

/**
 * Every entity declaration in `text`, in one pass: the text (bounded by its caller) bounds how many there are, so
 * harmless declarations before one that fetches cannot hide it (they did past the first 64: ADR 36).
 */
export const entityDeclarations = (text: string): EntityDeclaration[] => {
  const found: EntityDeclaration[] = [];
  entityStart.lastIndex = 0;
  for (;;) {
    const m = entityStart.exec(text);
    if (m === null) break;
    const declaration = declarationAt(text, m.index + m[0].length);
    if (declaration === 'unclosed') break;
    if (declaration === 'none') continue;
    found.push(declaration);
    entityStart.lastIndex = declaration.end;
  }
  return found;
};

const internalSubsetStart = /<!DOCTYPE\s[^>[]*\[/i;
const internalSubsetEnd = /\]\s*>/;

/** True when `text` opens a DOCTYPE's internal subset (`<!DOCTYPE r [`) and does not close it (`]>`). */
export const internalSubsetOpen = (text: string): boolean => {
  const m = internalSubsetStart.exec(text);
  return m !== null && !internalSubsetEnd.test(text.slice(m.index + m[0].length));
};

/** The external identifier of the first DOCTYPE (`<!DOCTYPE root SYSTEM "uri">`), if it has one. */
export const doctypeExternalId = (text: string): ExternalId | undefined => {
  const m = doctypeStart.exec(text);
  if (m === null) return undefined;
  const at = m.index + m[0].length;
  if (!isSpace(text.charCodeAt(at))) return undefined;
  const root = skipSpaces(text, at);
  const name = nameAt(text, root);
  if (name === '' || name.includes('[')) return undefined;
  const id = externalIdAt(text, skipSpaces(text, root + name.length));
  return typeof id === 'object' ? { keyword: id.keyword, literals: id.literals } : undefined;
};
