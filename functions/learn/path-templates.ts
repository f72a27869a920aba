/** Path templates learned from the cardinality of sibling segments: `/product/OLJCESPC7Z`… → `/product/{param}`. */

export const paramSegment = '{param}';
const idLike = /^(\d+|[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

type Node = Map<string, Node>;
/** `{id}`, `{param}`…: a segment already templated (by the tap's engine or an earlier pass). */
const isParam = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}');
/** Marks the end of a path (a key no segment can be). */
const end = '\u0000';

export type TemplateOptions = { minSiblings: number; literalMax: number; maxTemplates: number };

/** The path part of a request target, without query or fragment, as segments. */
export const segmentsOf = (path: string): string[] => {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  return bare.replace(/^\/+/, '').split('/');
};

/** A segment's shape: its length and the character classes it uses (ids of one kind share a shape). */
const shapeOf = (segment: string): string => {
  const classes = new Set(
    [...segment].map((c) => (/[A-Z]/.test(c) ? 'A' : /[a-z]/.test(c) ? 'a' : /\d/.test(c) ? '9' : c)),
  );
  return `${segment.length}:${[...classes].sort().join('')}`;
};

const insert = (root: Node, segments: string[]): void => {
  let node = root;
  for (const segment of segments) {
    const value = idLike.test(segment) || isParam(segment) ? paramSegment : segment;
    let child = node.get(value);
    if (child === undefined) {
      child = new Map();
      node.set(value, child);
    }
    node = child;
  }
  node.set(end, new Map());
};

const mergeInto = (target: Node, source: Node): void => {
  for (const [key, child] of source) {
    const existing = target.get(key);
    if (existing === undefined) target.set(key, child);
    else mergeInto(existing, child);
  }
};

/** Which literal children become `{param}`: a crowd of one shape, or every literal when there are too many. */
const toCollapse = (node: Node, options: TemplateOptions): string[] => {
  const literals = [...node.keys()].filter((key) => key !== end && key !== paramSegment);
  if (literals.length >= options.literalMax) return literals;
  const byShape = new Map<string, string[]>();
  for (const literal of literals)
    byShape.set(shapeOf(literal), [...(byShape.get(shapeOf(literal)) ?? []), literal]);
  return [...byShape.values()].filter((group) => group.length >= options.minSiblings).flat();
};

const collapse = (node: Node, options: TemplateOptions): void => {
  const victims = toCollapse(node, options);
  if (victims.length > 0) {
    const param = node.get(paramSegment) ?? new Map();
    for (const victim of victims) {
      mergeInto(param, node.get(victim) ?? new Map());
      node.delete(victim);
    }
    node.set(paramSegment, param);
  }
  for (const child of node.values()) collapse(child, options);
};

const emit = (node: Node, prefix: string[], out: string[]): void => {
  for (const [key, child] of node) {
    if (key === end) out.push(`/${prefix.join('/')}`);
    else emit(child, [...prefix, key], out);
  }
};

/** Templates covering every given path (raw or already templated), at most `maxTemplates` of them. */
export const templatePaths = (paths: readonly string[], options: TemplateOptions): string[] => {
  const templates = paths.filter((path) => segmentsOf(path).some(isParam));
  const kept = paths.filter(
    (path) => templates.includes(path) || !templates.some((t) => pathMatches(t, path)),
  );
  let minSiblings = options.minSiblings;
  let literalMax = options.literalMax;
  for (;;) {
    const root: Node = new Map();
    for (const path of kept) insert(root, segmentsOf(path));
    collapse(root, { ...options, minSiblings, literalMax });
    const out: string[] = [];
    emit(root, [], out);
    if (out.length <= options.maxTemplates || literalMax <= 2) return out.sort();
    minSiblings = Math.max(2, minSiblings - 1);
    literalMax = Math.max(2, Math.floor(literalMax / 2));
  }
};

/** Whether a request path matches a template, `{param}` matching any one segment. */
export const pathMatches = (template: string, path: string): boolean => {
  const want = segmentsOf(template);
  const got = segmentsOf(path);
  return want.length === got.length && want.every((segment, i) => isParam(segment) || segment === got[i]);
};
