/**
 * A Java RMI call as JRMP writes it (the Java RMI specification, ch. 10; `sun.rmi.transport.StreamRemoteCall`): after
 * the Call octet (0x50), an object stream whose first block holds the target's ObjID (an 8-octet object number and a
 * 14-octet UID), the operation (an int) and a hash (a long), then the arguments. The well-known objects answer by
 * number: 0 the registry, 1 the activator, 2 the distributed garbage collector (DGC).
 */
import { latin1, u16be, u32be } from './wire-bytes.ts';

export type RmiCall = {
  target: 'registry' | 'activator' | 'dgc' | 'object';
  operation: string;
  name?: string;
};

const javaMagic = [0xac, 0xed, 0x00, 0x05];
/** `java.rmi.registry.Registry`'s stub operations (RegistryImpl_Stub), by number. */
const registryOps = ['bind', 'list', 'lookup', 'rebind', 'unbind'];
/** `java.rmi.dgc.DGC`'s: clean, dirty. */
const dgcOps = ['clean', 'dirty'];
const targets = ['registry', 'activator', 'dgc'] as const;

/** Whether `b` at `at` opens an object stream. */
export const opensStream = (b: Uint8Array, at: number): boolean =>
  javaMagic.every((octet, i) => b[at + i] === octet);

/** The first string argument after the call header (a registry name), when the next item is TC_STRING. */
const firstString = (b: Uint8Array, at: number): string | undefined => {
  if (b[at] !== 0x74 || at + 3 > b.length) return undefined;
  const length = u16be(b, at + 1);
  return at + 3 + length <= b.length ? latin1(b, at + 3, at + 3 + Math.min(length, 256)) : undefined;
};

/** The call header of `stream` (from `AC ED 00 05`), or undefined when its first block is not one. */
export const readRmiCall = (stream: Uint8Array): RmiCall | undefined => {
  // TC_BLOCKDATA of 34 octets: objNum (8), UID (4 + 8 + 2), op (4), hash (8).
  if (!opensStream(stream, 0) || stream[4] !== 0x77 || stream[5] !== 34 || stream.length < 40)
    return undefined;
  const high = u32be(stream, 6);
  const objNum = high === 0 ? u32be(stream, 10) : -1;
  const wellKnown = stream.subarray(14, 28).every((octet) => octet === 0);
  const op = u32be(stream, 28) | 0;
  const target = wellKnown && objNum >= 0 && objNum <= 2 ? targets[objNum] : 'object';
  if (target === undefined || target === 'object' || target === 'activator')
    return { target: target ?? 'object', operation: op === -1 ? 'method' : `op${op}` };
  const ops = target === 'registry' ? registryOps : dgcOps;
  const operation = ops[op] ?? `op${op}`;
  const name = target === 'registry' && operation !== 'list' ? firstString(stream, 40) : undefined;
  return { target, operation, ...(name === undefined ? {} : { name }) };
};
