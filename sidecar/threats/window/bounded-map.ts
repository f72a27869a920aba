/** A Map that forgets its oldest keys past a bound (first in, first out), so spoofed sources cannot grow detector state. */

export type BoundedMap<V> = {
  /** The value for `key`, created when absent (insertion order decides eviction; reads do not reorder, to stay cheap). */
  upsert(key: string, create: () => V): V;
  get(key: string): V | undefined;
  delete(key: string): void;
  readonly size: number;
  entries(): IterableIterator<[string, V]>;
};

export const boundedMap = <V>(max: number): BoundedMap<V> => {
  const map = new Map<string, V>();
  return {
    upsert(key, create) {
      const found = map.get(key);
      if (found !== undefined) return found;
      const value = create();
      map.set(key, value);
      if (map.size > max) {
        const oldest = map.keys().next();
        if (oldest.done !== true) map.delete(oldest.value);
      }
      return value;
    },
    get: (key) => map.get(key),
    delete: (key) => {
      map.delete(key);
    },
    get size() {
      return map.size;
    },
    entries: () => map.entries(),
  };
};
