/**
 * Python pickles: a binary one (`\x80` PROTO 2 to 5) or a protocol 0 one (`c<module>\n<name>\n`). Loading any pickle
 * a client sent lets it build what it likes; one that imports a command or code runner (`os.system`,
 * `subprocess.Popen`, `builtins.eval`) is the known attack, named.
 */

import { u32le } from '../../protocols/wire-bytes.ts';
import { type PickleWalk, walkPickle } from './pickle-opcodes.ts';
import type { Serialized } from './serialized-format.ts';

/** Modules any of whose functions runs a command or code. */
const runnerModules = new Set([
  'os',
  'posix',
  'nt',
  'subprocess',
  'pty',
  'commands',
  'runpy',
  'ctypes',
  'importlib',
]);
/** `builtins` functions that run or import code. */
const runnerBuiltins = new Set([
  'eval',
  'exec',
  'execfile',
  'compile',
  '__import__',
  'getattr',
  'open',
  'apply',
]);

const dangerous = (global: string): boolean => {
  const dot = global.indexOf('.');
  const module = global.slice(0, dot);
  if (runnerModules.has(module.split('.')[0] ?? module)) return true;
  return (module === 'builtins' || module === '__builtin__') && runnerBuiltins.has(global.slice(dot + 1));
};

/**
 * Protocol 4 and 5 frame what follows (PEP 3154): `FRAME` and a u64 length that ends at the next frame or at the end
 * of the octets. Earlier protocols have no frame.
 */
const framed = (b: Uint8Array): boolean => {
  if ((b[1] ?? 0) < 4 || b[2] !== 0x95) return true;
  if (u32le(b, 7) !== 0) return false;
  const end = 11 + u32le(b, 3);
  return end === b.length || (end < b.length && b[end] === 0x95);
};

/**
 * The walk of a whole pickle: a binary one framed and ending at its STOP (a line end may follow; random octets seldom
 * do), a protocol 0 one naming a global (without one, it is text, no evidence of a pickle at all).
 */
const wholePickle = (bytes: Uint8Array, binary: boolean): PickleWalk | undefined => {
  if (binary && !framed(bytes)) return undefined;
  const walk = walkPickle(bytes);
  if (walk === undefined) return undefined;
  return (binary ? walk.end >= bytes.length - 2 : walk.globals.length > 0) ? walk : undefined;
};

/** A pickle's verdict: undefined when the octets are not one. */
export const pickleVerdict = (bytes: Uint8Array): Serialized | undefined => {
  const b0 = bytes[0];
  const binary = b0 === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5;
  if (!binary && b0 !== 0x63 && b0 !== 0x28) return undefined;
  const walk = wholePickle(bytes, binary);
  if (walk === undefined) return undefined;
  const format = binary ? `Python pickle (protocol ${bytes[1]})` : 'Python pickle (protocol 0)';
  const harm = walk.globals.find(dangerous);
  if (harm !== undefined) return { format, gadget: `global ${harm}${walk.calls ? ' called' : ''}` };
  return { format: walk.globals.length > 0 ? `${format} importing ${walk.globals[0]}` : format };
};
