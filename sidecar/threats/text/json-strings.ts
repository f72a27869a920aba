/**
 * Parses a JSON body and lists its string leaves (and keys) with their paths; undefined when it is not JSON. Keys
 * that are not words are listed, and every key of an object under `__proto__` or `constructor.prototype` (what a
 * recursive merge writes onto Object.prototype), as `<path> key`.
 */

type Leaf = [path: string, value: string];

/** Whether the object at `path` is one a recursive merge would write onto Object.prototype. */
const ontoPrototype = (path: string): boolean =>
  path.endsWith('.__proto__') || path.endsWith('.constructor.prototype');

const walk = (value: unknown, path: string, into: Leaf[], max: number): void => {
  if (into.length >= max) return;
  if (typeof value === 'string') {
    into.push([path, value]);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walk(item, `${path}[${index}]`, into, max);
    });
    return;
  }
  if (value !== null && typeof value === 'object') {
    const listAll = ontoPrototype(path);
    for (const [key, item] of Object.entries(value)) {
      if ((listAll || !/^[\w-]*$/.test(key)) && into.length < max) into.push([`${path} key`, key]);
      walk(item, `${path}.${key.slice(0, 32)}`, into, max);
    }
  }
};

export const jsonStrings = (text: string, max: number): Leaf[] | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const leaves: Leaf[] = [];
  walk(parsed, '$', leaves, max);
  return leaves;
};
