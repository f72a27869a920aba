/**
 * The Java classes a serialization stream names past the octets a parser keeps of it (64 KiB). Padding a stream (a
 * large byte array or string before the gadget chain, the "dirty data" trick against WAFs) would otherwise hide its
 * classes: Java reads the whole stream, the tap only its start. The rest is scanned as it streams past and not kept:
 * each class descriptor (TC_CLASSDESC, 0x72, then the name's 16-bit length and the name, Java Object Serialization
 * Specification §6.4.2) whose name is a dotted Java class name is kept, distinct, in order. A descriptor that begins in
 * one chunk and ends in the next is carried over; a name longer than `maxName` octets is not a class anyone loads.
 * The names kept are bounded by their octets (`maxScannedNameOctets`).
 */
import { latin1 } from './wire-bytes.ts';

/** Longest class name read; a descriptor claiming more is skipped. */
const maxName = 512;
/**
 * Octets before a message's cut that a scan of its rest starts with: a descriptor's tag, length and longest name, so a
 * class name that straddles the cut is found whole.
 */
export const straddleOctets = 3 + maxName;
/**
 * Octets of distinct names kept (a message's kept octets again): past them the rest are dropped. Padding with junk
 * classes needs classes the target has (an unknown one stops Java's read), about 1,600 of the JDK's to fill this.
 */
export const maxScannedNameOctets = 64 * 1024;
/** A class name as a descriptor carries it: package segments and the class, `$` for nested classes. */
const className = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

export type ClassScan = {
  /** Reads the next octets of the stream (the caller may reuse their memory afterwards). */
  push(bytes: Uint8Array): void;
  /** The class names found so far, in the order first seen. */
  names(): readonly string[];
};

/** The name of a descriptor at `at` (its 0x72), `undefined` when none, or 'more' when it runs past `bytes`. */
const nameAt = (bytes: Uint8Array, at: number): string | undefined | 'more' => {
  if (at + 3 > bytes.length) return 'more';
  const length = ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0);
  if (length < 3 || length > maxName) return undefined;
  if (at + 3 + length > bytes.length) return 'more';
  const name = latin1(bytes, at + 3, at + 3 + length);
  return className.test(name) ? name : undefined;
};

/** The distinct names found and their octets in all. */
type Found = { names: Set<string>; octets: number };

/** Adds the names of the descriptors in `bytes` to `found`; the octets from a descriptor cut short, to carry over. */
const scanInto = (bytes: Uint8Array, found: Found): Uint8Array | undefined => {
  for (let at = bytes.indexOf(0x72); at >= 0; at = bytes.indexOf(0x72, at + 1)) {
    const name = nameAt(bytes, at);
    if (name === 'more') return bytes.slice(at);
    if (name === undefined) continue;
    if (!found.names.has(name)) {
      if (found.octets + name.length > maxScannedNameOctets) return undefined;
      found.names.add(name);
      found.octets += name.length;
    }
    at += 2 + name.length; // past the name: its own `r`s open nothing
  }
  return undefined;
};

export const createClassScan = (): ClassScan => {
  const found: Found = { names: new Set(), octets: 0 };
  let full = false;
  let carry: Uint8Array | undefined;
  return {
    push(chunk) {
      if (chunk.length === 0 || full) return;
      carry = scanInto(carry === undefined ? chunk : joinTwo(carry, chunk), found);
      full = found.octets + maxName > maxScannedNameOctets;
    },
    names: () => [...found.names],
  };
};

const joinTwo = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
