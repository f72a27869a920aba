/**
 * Finds a value by its connection (source address and port → destination address and port) without building a key
 * string: a detector that looks up every TCP segment would otherwise allocate and hash one per packet.
 */
import type { Endpoint } from '#core/finding.ts';

type Entry<V> = {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  value: V;
  next: Entry<V> | undefined;
};

/**
 * `srcV4`/`dstV4`: the addresses as numbers when the caller has them (-1 when not), hashed instead of the text; a
 * caller passes them for a connection always or never.
 */
export type ConnectionIndex<V> = {
  get(src: Endpoint, dst: Endpoint, srcV4?: number, dstV4?: number): V | undefined;
  /** Adds the connection; the caller makes sure it is not there yet. */
  add(src: Endpoint, dst: Endpoint, value: V, srcV4?: number, dstV4?: number): void;
  /** Removes the connection; returns its value, if it was there. */
  delete(src: Endpoint, dst: Endpoint, srcV4?: number, dstV4?: number): V | undefined;
};

const stringHash = (hash: number, text: string): number => {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
};

/** FNV-1a over both addresses and ports: spoofed sources spread over the buckets like any others. */
const hashOf = (src: Endpoint, dst: Endpoint, srcV4 = -1, dstV4 = -1): number => {
  const addresses =
    srcV4 < 0 || dstV4 < 0
      ? stringHash(stringHash(0x811c9dc5, src.ip), dst.ip)
      : Math.imul(Math.imul(0x811c9dc5 ^ srcV4, 0x01000193) ^ dstV4, 0x01000193);
  return Math.imul(addresses ^ (src.port * 65_536 + dst.port), 0x01000193);
};

const matches = <V>(entry: Entry<V>, src: Endpoint, dst: Endpoint): boolean =>
  entry.srcPort === src.port &&
  entry.dstPort === dst.port &&
  entry.srcIp === src.ip &&
  entry.dstIp === dst.ip;

/** A chained hash table of `2^bits` buckets (sized for the number of connections its owner keeps at most). */
export const connectionIndex = <V>(bits: number): ConnectionIndex<V> => {
  const mask = (1 << bits) - 1;
  const buckets: (Entry<V> | undefined)[] = new Array(mask + 1).fill(undefined);
  return {
    get(src, dst, srcV4, dstV4) {
      for (
        let entry = buckets[hashOf(src, dst, srcV4, dstV4) & mask];
        entry !== undefined;
        entry = entry.next
      )
        if (matches(entry, src, dst)) return entry.value;
      return undefined;
    },
    add(src, dst, value, srcV4, dstV4) {
      const at = hashOf(src, dst, srcV4, dstV4) & mask;
      buckets[at] = {
        srcIp: src.ip,
        srcPort: src.port,
        dstIp: dst.ip,
        dstPort: dst.port,
        value,
        next: buckets[at],
      };
    },
    delete(src, dst, srcV4, dstV4) {
      const at = hashOf(src, dst, srcV4, dstV4) & mask;
      let previous: Entry<V> | undefined;
      for (let entry = buckets[at]; entry !== undefined; previous = entry, entry = entry.next) {
        if (!matches(entry, src, dst)) continue;
        if (previous === undefined) buckets[at] = entry.next;
        else previous.next = entry.next;
        return entry.value;
      }
      return undefined;
    },
  };
};
