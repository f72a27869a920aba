/**
 * Reads a JDWP packet's data (the JDWP specification, "Detailed Command Information": big-endian ints, strings as an
 * int length and UTF-8, ids as many octets as the VM's IDSizes say) bounds-checked: past the end a read gives 0 or ''
 * and marks the reader failed, so a hostile packet is never read beyond its octets.
 */
import { text } from './wire-bytes.ts';

/** Octets of each kind of id (VirtualMachine.IDSizes); 8 each until the VM says. */
export type IdSizes = { field: number; method: number; object: number; refType: number; frame: number };

export const defaultIdSizes = (): IdSizes => ({ field: 8, method: 8, object: 8, refType: 8, frame: 8 });

export type JdwpReader = {
  u8(): number;
  u32(): number;
  /** An id of `size` octets as hex (ids are compared, never computed with). */
  id(size: number): string;
  /** A string, its first `max` octets kept. */
  string(max?: number): string;
  skip(octets: number): void;
  /** Every read so far was inside the data. */
  ok(): boolean;
  /** Octets not yet read. */
  left(): number;
};

export const jdwpReader = (b: Uint8Array): JdwpReader => {
  let at = 0;
  let failed = false;
  /** Whether `n` more octets are there; marks the reader failed when not. */
  const has = (n: number): boolean => {
    if (!failed && n >= 0 && at + n <= b.length) return true;
    failed = true;
    return false;
  };
  return {
    u8: () => (has(1) ? (b[at++] ?? 0) : 0),
    u32() {
      if (!has(4)) return 0;
      const value =
        (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
      at += 4;
      return value;
    },
    id(size) {
      if (!has(size)) return '';
      const value = Buffer.from(b.buffer, b.byteOffset + at, size).toString('hex');
      at += size;
      return value;
    },
    string(max = 1024) {
      const length = this.u32();
      if (!has(length)) return '';
      const value = text(b, at, at + length, max);
      at += length;
      return value;
    },
    skip(octets) {
      if (has(octets)) at += octets;
    },
    ok: () => !failed,
    left: () => b.length - at,
  };
};

/** Octets of a tagged value's value by its tag (`I` 4, `J` 8, `s` an object id...); undefined for an unknown tag. */
export const valueSize = (tag: number, sizes: IdSizes): number | undefined => {
  switch (String.fromCharCode(tag)) {
    case 'V':
      return 0;
    case 'B':
    case 'Z':
      return 1;
    case 'C':
    case 'S':
      return 2;
    case 'I':
    case 'F':
      return 4;
    case 'J':
    case 'D':
      return 8;
    case '[':
    case 'L':
    case 's':
    case 't':
    case 'g':
    case 'l':
    case 'c':
      return sizes.object;
    default:
      return undefined;
  }
};

/** `Ljava/lang/Runtime;` as `java.lang.Runtime`; any other signature (an array's, a primitive's) as it is. */
export const className = (signature: string): string =>
  signature.startsWith('L') && signature.endsWith(';')
    ? signature.slice(1, -1).replaceAll('/', '.')
    : signature;
