/**
 * The GraphQL reader against graphql-js (the reference implementation, a devDependency) as oracle: for each document,
 * the operations, the selection depth with fragment spreads followed, the most aliased field and introspection, as
 * computed from graphql-js's AST, must equal what the tap's one-pass reader finds.
 */
import { type DocumentNode, type FieldNode, Kind, parse, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type GraphqlDocument, readGraphqlDocument } from '#sidecar/protocols/graphql-document.ts';

/** The same facts from graphql-js's AST. */
const oracle = (source: string): GraphqlDocument => {
  const ast: DocumentNode = parse(source);
  const fragments = new Map(
    ast.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [],
    ),
  );
  const aliases = new Map<string, number>();
  let introspection = false;
  const field = (selection: FieldNode, seen: ReadonlySet<string>): number => {
    const name = selection.name.value;
    if (name === '__schema' || name === '__type') introspection = true;
    if (selection.alias !== undefined) aliases.set(name, (aliases.get(name) ?? 0) + 1);
    return selection.selectionSet ? depth(selection.selectionSet, seen) : 0;
  };
  const spread = (name: string, seen: ReadonlySet<string>): number => {
    const fragment = fragments.get(name);
    if (fragment === undefined) return 0;
    return seen.has(name) ? Number.POSITIVE_INFINITY : depth(fragment, new Set([...seen, name])) - 1;
  };
  /** Selection-set nesting: an inline fragment's braces count; a fragment spread merges into the set it is in. */
  const depth = (set: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let deepest = 0;
    for (const selection of set.selections) {
      const d =
        selection.kind === Kind.FIELD
          ? field(selection, seen)
          : selection.kind === Kind.INLINE_FRAGMENT
            ? depth(selection.selectionSet, seen)
            : spread(selection.name.value, seen);
      deepest = Math.max(deepest, d);
    }
    return 1 + deepest;
  };
  const operations = ast.definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION
      ? [d.name === undefined ? { type: d.operation } : { type: d.operation, name: d.name.value }]
      : [],
  );
  const roots = ast.definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? [d.selectionSet] : [],
  );
  const maxDepth = roots.reduce((m, r) => Math.max(m, depth(r, new Set())), 0);
  // Aliases inside fragments count once per definition, as the reader counts them textually.
  aliases.clear();
  introspection = false;
  for (const d of ast.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION)
      depth(d.selectionSet, new Set(['*']));
  let mostAliased: GraphqlDocument['mostAliased'];
  for (const [field, count] of aliases)
    if (mostAliased === undefined || count > mostAliased.count) mostAliased = { field, count };
  return {
    operations,
    depth: maxDepth,
    introspection,
    ...(mostAliased ? { mostAliased } : {}),
  } as GraphqlDocument;
};

const documents = [
  'query GetUser($id: ID!) { user(id: $id) { id name orders(first: 10) { edges { node { id total } } } } }',
  '{ hero { name friends { name } } }',
  'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
  'subscription OnComment($postId: ID! = "1") { commentAdded(postId: $postId) { id author { login } } }',
  'query Q($f: Filter = {price: {gt: 10}, tags: ["a", "b"]}) { products(filter: $f, where: {a: {b: {c: 1}}}) { id } }',
  'query { a1: login(u: "x", p: "1") { t } a2: login(u: "x", p: "2") { t } a3: login(u: "x", p: "3") { t } me { id } }',
  'query IntrospectionQuery { __schema { queryType { name } types { ...FullType } } } fragment FullType on __Type { kind name fields(includeDeprecated: true) { name type { ...TypeRef } } } fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name } } }',
  'query { user { ...U } } fragment U on User { friends { ...V } } fragment V on User { friends { friends { id } } }',
  'query { node(id: "1") { ... on User { name posts { title } } ... on Post { title } } __typename }',
  '# a comment with { braces } and "quotes"\nquery Named { field(arg: """block { string } with \\"""quotes""") { sub } }',
  'query A { a { b } } query B { c { d { e } } } mutation C { f }',
  `query Deep { ${'a { '.repeat(30)}x${' }'.repeat(30)} }`,
];

describe('readGraphqlDocument against graphql-js', () => {
  it.each(documents.map((d) => [d.slice(0, 70), d]))('%s', (_title, document) => {
    expect(readGraphqlDocument(document)).toEqual(oracle(document));
  });

  it('reports a fragment cycle as infinitely deep (graphql-js parses it; validation would reject it)', () => {
    const cyclic = 'query { a { ...F } } fragment F on T { b { ...G } } fragment G on T { c { ...F } }';
    expect(readGraphqlDocument(cyclic).depth).toBe(Number.POSITIVE_INFINITY);
    expect(oracle(cyclic).depth).toBe(Number.POSITIVE_INFINITY);
  });

  it('never throws on random text and stays bounded', () => {
    let x = 3;
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: n }, () => {
        x = (x * 1_103_515_245 + 12_345) >>> 0;
        return '{}():."#a b\n...'[x % 15];
      }).join('');
      expect(() => readGraphqlDocument(text)).not.toThrow();
    }
    expect(readGraphqlDocument('{'.repeat(100_000)).depth).toBeLessThanOrEqual(20_000);
  });
});
