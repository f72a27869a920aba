/** A Map that forgets its oldest keys past a bound (first in, first out), so spoofed sources cannot grow detector state. */

/** Text, or a number (the packed keys of `packet-keys.ts`): the two never equal each other. */
export type MapKey = string | number;

export type BoundedMap<V, K extends MapKey = string> = {
  /** The value for `key`, created when absent (insertion order decides eviction; reads do not reorder, to stay cheap). */
  upsert(key: K, create: () => V): V;
  get(key: K): V | undefined;
  delete(key: K): void;
  readonly size: number;
  entries(): IterableIterator<[K, V]>;
};

/**
 * The oldest entry, from an iterator kept across evictions: every entry before its position has been evicted, so the
 * next one it yields is the oldest left. A fresh `entries()` per eviction would walk over the deleted slots a Map
 * keeps until it rehashes (thousands at the bound: microseconds per insert in a detector that runs per packet).
 */
const oldestOf = <K, V>(map: Map<K, V>, order: { at: MapIterator<[K, V]> | undefined }) => {
  let next = order.at?.next();
  if (next === undefined || next.done === true) {
    order.at = map.entries();
    next = order.at.next();
  }
  return next;
};

/**
 * `evicted` hears of each entry dropped for the bound (not of `delete`), for owners that index entries elsewhere too.
 * `reuse`, for values nothing else holds: at the bound, the oldest entry's value is handed to it and it returns the
 * new key's value (that value, reset to what `create` makes): a detector making a key per packet then allocates
 * nothing past the bound, instead of objects that live just long enough to be copied to the old generation.
 */
export const boundedMap = <V, K extends MapKey = string>(
  max: number,
  evicted?: (key: K, value: V) => void,
  reuse?: (value: V) => V,
): BoundedMap<V, K> => {
  const map = new Map<K, V>();
  const order: { at: MapIterator<[K, V]> | undefined } = { at: undefined };
  /** Drops the oldest entry; returns its value. */
  const evictOldest = (): V | undefined => {
    const oldest = oldestOf(map, order);
    if (oldest.done === true) return undefined;
    map.delete(oldest.value[0]);
    evicted?.(oldest.value[0], oldest.value[1]);
    return oldest.value[1];
  };
  /** A new key's value: the evicted one, reused, when the map is full (the same entries as inserting, then evicting). */
  const valueFor = (create: () => V): V => {
    if (reuse === undefined || max < 1 || map.size < max) return create();
    const old = evictOldest();
    return old === undefined ? create() : reuse(old);
  };
  return {
    upsert(key, create) {
      const found = map.get(key);
      if (found !== undefined) return found;
      const value = valueFor(create);
      map.set(key, value);
      if (map.size > max) evictOldest();
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
