/**
 * Reads a property path (a qs or PHP parameter name `a[__proto__][isAdmin]`, a dotted `__proto__.isAdmin`, a lodash
 * `set` path) for the step that leaves the object for Object.prototype: `__proto__`, or `constructor` then
 * `prototype`.
 */

export type PrototypeWrite = {
  /** The property written onto Object.prototype ('' when the path ends at the prototype itself). */
  property: string;
  /** How the path reached the prototype: `__proto__` or `constructor.prototype`. */
  via: string;
};

/** A path's steps: `a[b][c]`, `a.b.c` and mixes of the two; empty brackets (`a[]`) are no step. */
const steps = (path: string): string[] => path.split(/[[\].]+/).filter((step) => step !== '');

/** The prototype write in a path's steps, or undefined when no step leaves the object. */
export const prototypeWrite = (path: string): PrototypeWrite | undefined => {
  const list = steps(path);
  for (let i = 0; i < list.length; i++) {
    const step = (list[i] as string).trim();
    if (step === '__proto__') return { property: list[i + 1] ?? '', via: '__proto__' };
    if (step === 'constructor' && list[i + 1]?.trim() === 'prototype')
      return { property: list[i + 2] ?? '', via: 'constructor.prototype' };
  }
  return undefined;
};

/**
 * A whole value that is a property path, as lodash's `set`, `setWith` and `zipObjectDeep` (CVE-2020-8203) or
 * dot-prop and set-value take one: identifier steps joined by dots or brackets, nothing else (no space, no call).
 */
const pathShaped = /^(?:[\w$]+|\[[\w$'"]+\])(?:\.[\w$]+|\[[\w$'"]+\])+$/;

/** A value that is a set path leading onto Object.prototype and naming a property there. */
export const setPathWrite = (value: string): PrototypeWrite | undefined => {
  if (value.length > 256 || !pathShaped.test(value)) return undefined;
  const write = prototypeWrite(value.replace(/['"]/g, ''));
  return write === undefined || write.property === '' ? undefined : write;
};
