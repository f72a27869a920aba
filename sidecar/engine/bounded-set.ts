/** An insertion-ordered set of short strings that stops growing at its bound (a hostile flow cannot grow it). */

const maxText = 512;

export type BoundedSet = {
  add(value: string): void;
  readonly size: number;
  values(): string[];
};

export const createBoundedSet = (max: number): BoundedSet => {
  const items = new Set<string>();
  return {
    add(value) {
      if (items.size >= max || value.length === 0) return;
      items.add(value.length > maxText ? value.slice(0, maxText) : value);
    },
    get size() {
      return items.size;
    },
    values: () => [...items],
  };
};
