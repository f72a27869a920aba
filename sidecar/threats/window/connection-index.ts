/**
 * Entries by connection (source address and port → destination address and port) in a bounded hash table, oldest
 * first: a detector that looks up every TCP segment finds its entry without building a key string, and past the bound
 * the oldest entry goes (first in, first out, as `bounded-map.ts`), so spoofed sources cannot grow it. A Map keyed by
 * a string per connection cost a key, a map slot and an iterator step per SYN; an entry here is one object.
 */

/**
 * An entry and its connection. `srcV4`/`dstV4`: the addresses as numbers when the caller has both (-1 when not);
 * entries added with numbers match lookups with the same numbers and ports, the others their address text and ports,
 * so the two forms never match each other (as the packed and text keys of `packet-keys.ts`).
 */
export type IndexEntry<V> = {
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly srcV4: number;
  readonly dstV4: number;
  value: V;
  /** False once deleted or evicted. */
  present: boolean;
};

type Slot<V> = IndexEntry<V> & {
  /** The next entry in its bucket. */
  chain: Slot<V> | undefined;
  /** Neighbours in insertion order. */
  older: Slot<V> | undefined;
  newer: Slot<V> | undefined;
};

export type ConnectionIndex<V> = {
  get(
    srcIp: string,
    srcPort: number,
    dstIp: string,
    dstPort: number,
    srcV4: number,
    dstV4: number,
  ): IndexEntry<V> | undefined;
  /** Adds the connection as the newest (the caller makes sure it is not there yet); past the bound the oldest goes. */
  add(
    srcIp: string,
    srcPort: number,
    dstIp: string,
    dstPort: number,
    srcV4: number,
    dstV4: number,
    value: V,
  ): IndexEntry<V>;
  /** Removes the connection; returns its entry, if it was there. */
  delete(
    srcIp: string,
    srcPort: number,
    dstIp: string,
    dstPort: number,
    srcV4: number,
    dstV4: number,
  ): IndexEntry<V> | undefined;
  readonly size: number;
};

const stringHash = (hash: number, text: string): number => {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
};

/** FNV-1a over both addresses and ports: spoofed sources spread over the buckets like any others. */
const hashOf = (
  srcIp: string,
  srcPort: number,
  dstIp: string,
  dstPort: number,
  srcV4: number,
  dstV4: number,
) => {
  const addresses =
    srcV4 < 0 || dstV4 < 0
      ? stringHash(stringHash(0x811c9dc5, srcIp), dstIp)
      : Math.imul(Math.imul(0x811c9dc5 ^ srcV4, 0x01000193) ^ dstV4, 0x01000193);
  return Math.imul(addresses ^ (srcPort * 65_536 + dstPort), 0x01000193);
};

const matches = <V>(
  entry: Slot<V>,
  srcIp: string,
  srcPort: number,
  dstIp: string,
  dstPort: number,
  srcV4: number,
  dstV4: number,
): boolean =>
  entry.srcPort === srcPort &&
  entry.dstPort === dstPort &&
  (srcV4 < 0 || dstV4 < 0
    ? entry.srcV4 < 0 && entry.srcIp === srcIp && entry.dstIp === dstIp
    : entry.srcV4 === srcV4 && entry.dstV4 === dstV4);

/**
 * A chained hash table of `2^bits` buckets holding at most `max` entries; `evicted` hears of each entry dropped for
 * the bound (not of `delete`).
 */
export const connectionIndex = <V>(
  bits: number,
  max = Number.POSITIVE_INFINITY,
  evicted?: (entry: IndexEntry<V>) => void,
): ConnectionIndex<V> => {
  const mask = (1 << bits) - 1;
  const buckets: (Slot<V> | undefined)[] = new Array(mask + 1).fill(undefined);
  const order: { oldest: Slot<V> | undefined; newest: Slot<V> | undefined; size: number } = {
    oldest: undefined,
    newest: undefined,
    size: 0,
  };
  /** Takes the entry out of its bucket (found by its hash) and out of the insertion order. */
  const unlink = (slot: Slot<V>, at: number): void => {
    let previous: Slot<V> | undefined;
    for (let entry = buckets[at]; entry !== undefined; previous = entry, entry = entry.chain) {
      if (entry !== slot) continue;
      if (previous === undefined) buckets[at] = entry.chain;
      else previous.chain = entry.chain;
      break;
    }
    if (slot.older === undefined) order.oldest = slot.newer;
    else slot.older.newer = slot.newer;
    if (slot.newer === undefined) order.newest = slot.older;
    else slot.newer.older = slot.older;
    slot.chain = slot.older = slot.newer = undefined;
    slot.present = false;
    order.size--;
  };
  const evictOldest = (): void => {
    const oldest = order.oldest;
    if (oldest === undefined) return;
    unlink(
      oldest,
      hashOf(oldest.srcIp, oldest.srcPort, oldest.dstIp, oldest.dstPort, oldest.srcV4, oldest.dstV4) & mask,
    );
    evicted?.(oldest);
  };
  return {
    get(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4) {
      for (
        let entry = buckets[hashOf(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4) & mask];
        entry !== undefined;
        entry = entry.chain
      )
        if (matches(entry, srcIp, srcPort, dstIp, dstPort, srcV4, dstV4)) return entry;
      return undefined;
    },
    add(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4, value) {
      const numeric = srcV4 >= 0 && dstV4 >= 0;
      const at = hashOf(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4) & mask;
      const slot: Slot<V> = {
        srcIp,
        srcPort,
        dstIp,
        dstPort,
        srcV4: numeric ? srcV4 : -1,
        dstV4: numeric ? dstV4 : -1,
        value,
        present: true,
        chain: buckets[at],
        older: order.newest,
        newer: undefined,
      };
      buckets[at] = slot;
      if (order.newest === undefined) order.oldest = slot;
      else order.newest.newer = slot;
      order.newest = slot;
      order.size++;
      if (order.size > max) evictOldest();
      return slot;
    },
    delete(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4) {
      const at = hashOf(srcIp, srcPort, dstIp, dstPort, srcV4, dstV4) & mask;
      for (let entry = buckets[at]; entry !== undefined; entry = entry.chain) {
        if (!matches(entry, srcIp, srcPort, dstIp, dstPort, srcV4, dstV4)) continue;
        unlink(entry, at);
        return entry;
      }
      return undefined;
    },
    get size() {
      return order.size;
    },
  };
};
