/** Insertion-ordered sets of short strings, by name, each stopping at its bound; a set exists only once used. */

const maxText = 512;

/** Named sets, created on first add: most flows fill one or two of the summary's lists. */
export type BoundedSets<Name extends string> = Partial<Record<Name, Set<string>>>;

export const boundedAdd = <Name extends string>(
  sets: BoundedSets<Name>,
  name: Name,
  max: number,
  value: string,
): void => {
  if (value.length === 0) return;
  let set = sets[name];
  if (set === undefined) {
    set = new Set();
    sets[name] = set;
  }
  if (set.size < max) set.add(value.length > maxText ? value.slice(0, maxText) : value);
};

/** The values, or undefined when there are none (so summaries carry only what was seen). */
export const boundedValues = (set: Set<string> | undefined): string[] | undefined =>
  set === undefined || set.size === 0 ? undefined : [...set];
