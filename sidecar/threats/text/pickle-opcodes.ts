/**
 * Walks a Python pickle's opcodes (Lib/pickletools.py, protocols 0 to 5) far enough to name the globals it imports:
 * `GLOBAL` / `INST` (`c<module>\n<name>\n`) and `STACK_GLOBAL` over the two strings pushed before it. Unpickling calls
 * what a global names (`REDUCE`), so the globals are what a pickle does. Stops at `STOP` or the first octet that is
 * not an opcode; a stream that does not reach `STOP` is not a pickle.
 */
import { latin1, u32le } from '../../protocols/wire-bytes.ts';

/** The globals named, whether one is called or built, and the offset after `STOP`. */
export type PickleWalk = { globals: string[]; calls: boolean; end: number };

/** Opcodes followed by a fixed count of argument octets. */
const fixed = new Map<number, number>([
  [0x80, 1], // PROTO
  [0x95, 8], // FRAME
  [0x71, 1], // BINPUT
  [0x72, 4], // LONG_BINPUT
  [0x68, 1], // BINGET
  [0x6a, 4], // LONG_BINGET
  [0x4b, 1], // BININT1
  [0x4d, 2], // BININT2
  [0x4a, 4], // BININT
  [0x47, 8], // BINFLOAT
  [0x82, 1], // EXT1
  [0x83, 2], // EXT2
  [0x84, 4], // EXT4
]);
/** Opcodes without arguments: stack, container and object building. */
const bare = new Set(
  [...').(}]tldeasu0123NQRbo\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x81\x97\x98'].map((c) =>
    c.charCodeAt(0),
  ),
);
/** Opcodes whose argument is a newline-terminated line (protocol 0). */
const lines = new Set([...'IFLSVpgP'].map((c) => c.charCodeAt(0)));
/** Opcodes that call or build from a global: what makes loading a pickle run code. */
const callers = new Set([0x52, 0x62, 0x6f, 0x69, 0x81, 0x92]);
/** Length-prefixed strings and byte strings: octets of the length field (`\x8c` SHORT_BINUNICODE ...). */
const counted = new Map<number, number>([
  [0x8c, 1],
  [0x55, 1], // SHORT_BINSTRING
  [0x43, 1], // SHORT_BINBYTES
  [0x58, 4], // BINUNICODE
  [0x54, 4], // BINSTRING
  [0x42, 4], // BINBYTES
  [0x8d, 8], // BINUNICODE8
  [0x8e, 8],
  [0x96, 8],
  [0x8a, 1], // LONG1
  [0x8b, 4], // LONG4
]);
const textOpcodes = new Set([0x8c, 0x55, 0x58, 0x54, 0x8d]);

const lineEnd = (b: Uint8Array, from: number): number => {
  const end = b.indexOf(0x0a, from);
  return end < 0 ? b.length + 1 : end;
};

/** One counted argument: the offset after it, and its text when it is a string. */
const countedArg = (b: Uint8Array, at: number, op: number, size: number): [number, string | undefined] => {
  const length =
    size === 1
      ? (b[at + 1] ?? 0)
      : size === 4
        ? u32le(b, at + 1)
        : u32le(b, at + 1) + 2 ** 32 * u32le(b, at + 5);
  const start = at + 1 + size;
  return [
    start + length,
    textOpcodes.has(op) ? latin1(b, start, Math.min(start + length, start + 256)) : undefined,
  ];
};

/** `GLOBAL` and `INST`: module and name on two lines. */
const twoLines = (b: Uint8Array, at: number): [number, string] => {
  const first = lineEnd(b, at + 1);
  const second = lineEnd(b, first + 1);
  return [second + 1, `${latin1(b, at + 1, first)}.${latin1(b, first + 1, second)}`];
};

/** One opcode's argument read: the offset of the next opcode, or -1 when `op` is not an opcode. */
const step = (b: Uint8Array, at: number, walk: PickleWalk, strings: string[]): number => {
  const op = b[at] as number;
  const size = fixed.get(op);
  if (size !== undefined) return at + 1 + size;
  const count = counted.get(op);
  if (count !== undefined) {
    const [next, text] = countedArg(b, at, op, count);
    if (text !== undefined) strings.push(text);
    return next;
  }
  if (op === 0x63 || op === 0x69) {
    const [next, name] = twoLines(b, at);
    walk.globals.push(name);
    return next;
  }
  if (op === 0x93) walk.globals.push(`${strings.at(-2) ?? '?'}.${strings.at(-1) ?? '?'}`);
  if (lines.has(op)) return lineEnd(b, at + 1) + 1;
  return bare.has(op) ? at + 1 : -1;
};

/** The globals a pickle names and whether it calls one; undefined when the octets are not a whole pickle. */
export const walkPickle = (b: Uint8Array, maxOps = 100_000): PickleWalk | undefined => {
  const walk: PickleWalk = { globals: [], calls: false, end: 0 };
  const strings: string[] = [];
  let at = 0;
  for (let ops = 0; ops < maxOps && at >= 0 && at < b.length; ops++) {
    const op = b[at] as number;
    if (op === 0x2e) {
      walk.end = at + 1;
      return walk; // STOP
    }
    if (callers.has(op)) walk.calls = true;
    at = step(b, at, walk, strings);
  }
  return undefined;
};
