/** An insertion-ordered set of short strings that stops growing at its bound; allocated on first use. */

const maxText = 512;

export type BoundedSet = { items: Set<string> | undefined; max: number };

export const boundedSet = (max: number): BoundedSet => ({ items: undefined, max });

export const boundedAdd = (set: BoundedSet, value: string): void => {
  if (value.length === 0) return;
  set.items ??= new Set();
  if (set.items.size < set.max) set.items.add(value.length > maxText ? value.slice(0, maxText) : value);
};

/** The values, or undefined when there are none (so summaries carry only what was seen). */
export const boundedValues = (set: BoundedSet): string[] | undefined =>
  set.items === undefined || set.items.size === 0 ? undefined : [...set.items];
