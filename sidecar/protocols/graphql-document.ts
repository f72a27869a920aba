/**
 * Reads a GraphQL document (GraphQL spec, October 2021) without a schema, in one pass over its tokens, for what a
 * tap needs: each operation's type and name, how deep its selections nest (fragment spreads followed), how many
 * times one field is aliased, and whether it asks for the schema (introspection). Bounded: the first 64 KiB and
 * 20,000 tokens. Not a validator: a malformed document gives what was read before the fault.
 */

export type GraphqlOperation = { type: 'query' | 'mutation' | 'subscription'; name?: string };
export type GraphqlDocument = {
  operations: GraphqlOperation[];
  /** Deepest selection nesting of any operation, fragment spreads followed; Infinity for a fragment cycle. */
  depth: number;
  /** The field aliased most often, and how often (`a1: login(...) a2: login(...)`). */
  mostAliased?: { field: string; count: number };
  /** `__schema` or `__type` selected (`__typename` is ordinary). */
  introspection: boolean;
};

const maxText = 64 * 1024;
const maxTokens = 20_000;
const maxFragments = 256;
const nameStart = /[_A-Za-z]/;
const namePart = /[_0-9A-Za-z]/;

type Token = { kind: 'name' | 'punct'; text: string };

/** Skips a string at `at` ("..." with escapes, or a """block"""); returns the offset after it. */
const skipString = (text: string, at: number): number => {
  if (text.startsWith('"""', at)) {
    let end = text.indexOf('"""', at + 3);
    while (end > 0 && text[end - 1] === '\\') end = text.indexOf('"""', end + 3); // \""" is an escaped delimiter
    return end < 0 ? text.length : end + 3;
  }
  let i = at + 1;
  while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
};

const punctuators = '{}():@$!=[]|&';

/** Reads the token at `i` into `out`; returns the offset after it (comments, strings and the rest are skipped). */
const tokenAt = (text: string, i: number, out: Token[]): number => {
  const c = text[i] ?? '';
  if (c === '#') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (c === '"') return skipString(text, i);
  if (nameStart.test(c)) {
    let end = i + 1;
    while (end < text.length && namePart.test(text[end] ?? '')) end++;
    out.push({ kind: 'name', text: text.slice(i, end) });
    return end;
  }
  if (punctuators.includes(c)) {
    out.push({ kind: 'punct', text: c });
    return i + 1;
  }
  if (text.startsWith('...', i)) {
    out.push({ kind: 'punct', text: '...' });
    return i + 3;
  }
  return i + 1; // white space, commas, numbers
};

/** Names and punctuators; strings, numbers, comments, commas and white space are skipped. */
const tokens = (source: string): Token[] => {
  const text = source.length > maxText ? source.slice(0, maxText) : source;
  const out: Token[] = [];
  let i = 0;
  while (i < text.length && out.length < maxTokens) i = tokenAt(text, i, out);
  return out;
};

type Definition = {
  /** Deepest nesting of its own selection sets (1 for `{ a }`). */
  depth: number;
  /** Fragment spreads with the selection depth at which each occurs. */
  spreads: { name: string; at: number }[];
};

type Walk = {
  aliases: Map<string, number>;
  introspection: boolean;
};

type Cursor = { definition: Definition; braces: number; parens: number };

/** A punctuator inside a definition; true when it closes the definition's selection set. */
const onPunct = (c: Cursor, t: readonly Token[], i: number, text: string): boolean => {
  if (text === '(') c.parens++;
  else if (text === ')') c.parens = Math.max(0, c.parens - 1);
  else if (c.parens > 0)
    return false; // object and list values inside arguments are not selections
  else if (text === '{') c.definition.depth = Math.max(c.definition.depth, ++c.braces);
  else if (text === '}') return --c.braces === 0;
  else if (text === '...' && t[i + 1]?.kind === 'name' && t[i + 1]?.text !== 'on')
    c.definition.spreads.push({ name: t[i + 1]?.text ?? '', at: c.braces });
  return false;
};

/** A name inside a selection set: introspection fields, and an alias (`alias: field`). */
const onName = (t: readonly Token[], i: number, text: string, walk: Walk): void => {
  if (text === '__schema' || text === '__type') walk.introspection = true;
  const next = t[i + 1];
  const field = t[i + 2];
  if (next?.kind === 'punct' && next.text === ':' && field?.kind === 'name')
    walk.aliases.set(field.text, (walk.aliases.get(field.text) ?? 0) + 1);
};

/** One definition's selection sets from the `{` at `start`: depth, spreads, aliases, introspection. */
const readSelections = (
  t: readonly Token[],
  start: number,
  walk: Walk,
): { definition: Definition; end: number } => {
  const c: Cursor = { definition: { depth: 0, spreads: [] }, braces: 0, parens: 0 };
  for (let i = start; i < t.length; i++) {
    const { kind, text } = t[i] as Token;
    if (kind === 'punct') {
      if (onPunct(c, t, i, text)) return { definition: c.definition, end: i + 1 };
    } else if (c.parens === 0 && c.braces > 0) onName(t, i, text, walk);
  }
  return { definition: c.definition, end: t.length };
};

const operationTypes = new Set(['query', 'mutation', 'subscription']);

/** The `{` that opens a definition's selection set: the first outside parentheses (variable defaults hold braces). */
const selectionStart = (t: readonly Token[], from: number): number | undefined => {
  let parens = 0;
  for (let i = from; i < t.length; i++) {
    const { kind, text } = t[i] as Token;
    if (kind !== 'punct') continue;
    if (text === '(') parens++;
    else if (text === ')') parens = Math.max(0, parens - 1);
    else if (text === '{' && parens === 0) return i;
  }
  return undefined;
};

/** The depth of each definition with its fragment spreads followed (memoised; a cycle is Infinity). */
const resolvedDepth = (own: Definition, fragments: ReadonlyMap<string, Definition>): number => {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (definition: Definition): number => {
    let depth = definition.depth;
    for (const spread of definition.spreads) {
      const fragment = fragments.get(spread.name);
      if (fragment === undefined) continue;
      depth = Math.max(depth, spread.at + fragmentDepth(spread.name, fragment) - 1);
    }
    return depth;
  };
  const fragmentDepth = (name: string, fragment: Definition): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return Number.POSITIVE_INFINITY;
    visiting.add(name);
    const depth = depthOf(fragment);
    visiting.delete(name);
    memo.set(name, depth);
    return depth;
  };
  return depthOf(own);
};

type Definitions = {
  operations: GraphqlOperation[];
  roots: Definition[];
  fragments: Map<string, Definition>;
};

/** The definition starting at token `i`, recorded in `into`; returns where it ends (or the next token to try). */
const definitionAt = (t: readonly Token[], i: number, walk: Walk, into: Definitions): number => {
  const token = t[i] as Token;
  const isFragment = token.kind === 'name' && token.text === 'fragment';
  const isOperation = (token.kind === 'name' && operationTypes.has(token.text)) || token.text === '{';
  if (!isFragment && !isOperation) return i + 1;
  const open = selectionStart(t, i);
  if (open === undefined) return t.length;
  const { definition, end } = readSelections(t, open, walk);
  const name = t[i + 1]?.kind === 'name' ? t[i + 1]?.text : undefined;
  if (isFragment) {
    if (name !== undefined && into.fragments.size < maxFragments) into.fragments.set(name, definition);
    return end;
  }
  const type = token.text === '{' ? 'query' : (token.text as GraphqlOperation['type']);
  into.operations.push(name === undefined || token.text === '{' ? { type } : { type, name });
  into.roots.push(definition);
  return end;
};

export const readGraphqlDocument = (source: string): GraphqlDocument => {
  const t = tokens(source);
  const walk: Walk = { aliases: new Map(), introspection: false };
  const into: Definitions = { operations: [], roots: [], fragments: new Map() };
  for (let i = 0; i < t.length; ) i = definitionAt(t, i, walk, into);
  let mostAliased: GraphqlDocument['mostAliased'];
  for (const [field, count] of walk.aliases)
    if (mostAliased === undefined || count > mostAliased.count) mostAliased = { field, count };
  const depth = into.roots.reduce(
    (deepest, root) => Math.max(deepest, resolvedDepth(root, into.fragments)),
    0,
  );
  const document: GraphqlDocument = { operations: into.operations, depth, introspection: walk.introspection };
  if (mostAliased !== undefined) document.mostAliased = mostAliased;
  return document;
};
