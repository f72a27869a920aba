/** Malformed variants of a valid input, for checking that a fast check accepts nothing its schema refuses. */

/** Every value at every path of `value` replaced, one at a time, by each of `replacements` (and deleted). */
export const mutationsOf = (value: unknown, replacements: readonly unknown[]): unknown[] => {
  const out: unknown[] = [];
  const walk = (node: unknown, rebuild: (next: unknown) => unknown): void => {
    for (const replacement of replacements) out.push(rebuild(replacement));
    out.push(rebuild(undefined));
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        walk(child, (next) => rebuild(node.map((item, at) => (at === index ? next : item))));
      });
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      walk(child, (next) => rebuild({ ...node, [key]: next }));
    }
  };
  walk(value, (next) => next);
  return out;
};

export const oddValues: readonly unknown[] = [
  null,
  0,
  '',
  'x',
  'CREATE',
  true,
  [],
  ['x'],
  [{}],
  [{ name: '' }],
  {},
  { name: 'n' },
  Object.create(null),
  new Date(0),
  { [Symbol('s')]: 'x' },
  JSON.parse('{"__proto__": {"a": "b"}}'),
];
