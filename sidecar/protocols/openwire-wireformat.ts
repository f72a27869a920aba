/**
 * OpenWire's WIREFORMAT_INFO (type 1), the first frame each side sends, always in the loose encoding: the magic
 * `ActiveMQ`, a version (u32), then its properties as a marshalled primitive map (activemq-client
 * `MarshallingSupport`: a u32 count, then each key a Java UTF string and its value a type octet and the value). The
 * two sides' TightEncodingEnabled, CacheEnabled and SizePrefixDisabled, each on only when both ask, decide how the
 * frames after both openings are written.
 */
import { startsWithAscii, u16be, u32be, utf8View } from './wire-bytes.ts';

export type WireFormat = {
  version: number;
  tight: boolean;
  cache: boolean;
  sizePrefixDisabled: boolean;
  /** The properties as `Name=value`, in order (at most 32, values shortened). */
  properties: string[];
};

/** Octets of the fixed-size values, by type: boolean, byte, char, short, int, long, double, float. */
const fixed: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 8, 7: 8, 8: 4 };

/** One value at `at`: its text and where the next key starts, or undefined for a type not read (map, list). */
const value = (b: Uint8Array, at: number): [string, number] | undefined => {
  const type = b[at] ?? -1;
  const size = fixed[type];
  if (type === 0) return ['null', at + 1];
  if (type === 1) return [b[at + 1] ? 'true' : 'false', at + 2];
  if (type === 6) return [u32be(b, at + 1) === 0 ? String(u32be(b, at + 5)) : '…', at + 9];
  if (type === 5) return [String(u32be(b, at + 1) | 0), at + 5];
  if (size !== undefined) return ['…', at + 1 + size];
  if (type === 9)
    return [utf8View(b, at + 3, at + 3 + Math.min(u16be(b, at + 1), 64)), at + 3 + u16be(b, at + 1)];
  if (type === 10 || type === 13) return ['…', at + 5 + u32be(b, at + 1)];
  return undefined;
};

const properties = (b: Uint8Array, at: number): string[] => {
  const out: string[] = [];
  const count = u32be(b, at);
  let next = at + 4;
  for (let i = 0; i < Math.min(count, 32) && next + 3 <= b.length; i++) {
    const keyLength = u16be(b, next);
    const key = utf8View(b, next + 2, next + 2 + keyLength);
    const read = value(b, next + 2 + keyLength);
    if (read === undefined || read[1] > b.length) break;
    out.push(`${key}=${read[0]}`);
    next = read[1];
  }
  return out;
};

/** A WIREFORMAT_INFO frame (type octet first, size prefix off), or undefined when `frame` is not one. */
export const readWireFormat = (frame: Uint8Array): WireFormat | undefined => {
  if (frame[0] !== 1 || !startsWithAscii(frame.subarray(1), 'ActiveMQ') || frame.length < 13)
    return undefined;
  const listed = frame[13] === 1 ? properties(frame, 18) : [];
  const on = (name: string): boolean => listed.includes(`${name}=true`);
  return {
    version: u32be(frame, 9),
    tight: on('TightEncodingEnabled'),
    cache: on('CacheEnabled'),
    sizePrefixDisabled: on('SizePrefixDisabled'),
    properties: listed,
  };
};
