/**
 * The data structures OpenWire commands name before their other fields (activemq-client `openwire.v12`): connection,
 * session, consumer, producer and broker ids, and destinations (`queue://orders`), nested or through the marshalling
 * cache (`tightUnmarsalCachedObject`: a bit saying new, a u16 index, then the object when new). A Throwable is a class
 * name and a message (then a stack trace and a cause, not read). Message and transaction ids are read past; any other
 * nested type leaves the reader bad.
 */
import type { OpenWireReader } from './openwire-reader.ts';

/** What each side has put in its marshalling cache, by index: a destination's name, or an id's label. */
export type OpenWireCache = Map<number, string>;

const destinations: Record<number, string> = {
  100: 'queue',
  101: 'topic',
  102: 'temp-queue',
  103: 'temp-topic',
};
/** The ids by type, with how many longs follow their string (ConnectionId 120 … BrokerId 124). */
const ids: Record<number, number> = { 120: 0, 121: 1, 122: 2, 123: 2, 124: 0 };

/** The fields of MessageId (110) and the transaction ids (111 local, 112 XA), read past; false when not one of them. */
const skipOther = (r: OpenWireReader, type: number, cache: OpenWireCache | undefined): boolean => {
  if (type === 110) {
    r.string();
    cachedObject(r, cache);
    r.long();
    r.long();
  } else if (type === 111) {
    r.long();
    cachedObject(r, cache);
  } else if (type === 112) {
    r.u32();
    r.bytes();
    r.bytes();
  } else return false;
  return true;
};

/** A nested object: a presence bit, its type octet, its fields; its label (`queue://orders`, an id) or null. */
export const nestedObject = (r: OpenWireReader, cache?: OpenWireCache): string | null => {
  if (!r.bool()) return null;
  const type = r.octet();
  const kind = destinations[type];
  if (kind !== undefined) return `${kind}://${r.string() ?? ''}`;
  const longs = ids[type];
  if (longs === undefined) {
    if (!skipOther(r, type, cache)) r.bad = true;
    return null;
  }
  const value = r.string() ?? '';
  for (let i = 0; i < longs; i++) r.long();
  return value;
};

/** A cached object (a nested one when the cache is off): undefined when the cache holds nothing at its index. */
export const cachedObject = (
  r: OpenWireReader,
  cache: OpenWireCache | undefined,
): string | null | undefined => {
  if (cache === undefined) return nestedObject(r);
  const fresh = r.bool();
  const index = r.u16();
  if (!fresh) return cache.get(index);
  const value = nestedObject(r, cache);
  if (r.bad || value === null) cache.delete(index);
  else cache.set(index, value);
  return value;
};

export type Thrown = { className: string; message: string };

/** A Java class name: identifiers joined by dots, at least one dot. */
const className = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

/** A marshalled Throwable's class and message, when present and its class reads as a Java class name. */
export const throwable = (r: OpenWireReader): Thrown | undefined => {
  if (!r.bool()) return undefined;
  const name = r.string();
  const message = r.string();
  if (r.bad || name === null || name.length > 512 || !className.test(name)) return undefined;
  return { className: name, message: message ?? '' };
};
