/**
 * A T3 message after the handshake: a 4-octet length (itself included), then WebLogic's JVMMessage header (the
 * command, QOS, flags, response id, invokable id, abbreviation offset; the command names below as write-ups of
 * `weblogic.rjvm.JVMMessage` give them), then WebLogic's abbreviated object stream and, each after the marker
 * `FE 01 00 00`, ordinary Java serialization streams (`AC ED 00 05`): the JVM id, the peer info, the work context.
 * Public T3 exploits put their gadget chain in place of one of those streams.
 */
import { opensStream } from './java-rmi-call.ts';
import { latin1, u16be, u32be } from './wire-bytes.ts';

const commands = [
  'undefined',
  'identify-request',
  'identify-response',
  'peer-gone',
  'one-way',
  'request',
  'response',
  'error-response',
  'internal',
  'no-route-identify-request',
  'translated-identify-response',
  'request-close',
];

/** Class names told per message at most. */
const maxClasses = 4;

export type T3Message = {
  command: string;
  /** The first class each serialization stream names (a proxy's first interface), in order. */
  classes: string[];
  /** Offset of the first serialization stream, -1 when none. */
  firstStream: number;
};

/** A name of `length` octets at `at` when it reads as a Java class name. */
const className = (b: Uint8Array, at: number, length: number): string | undefined => {
  if (length === 0 || length > 256 || at + length > b.length) return undefined;
  const name = latin1(b, at, at + length);
  return /^[\w$.[;]+$/.test(name) ? name : undefined;
};

/** The stream's first object's class: TC_OBJECT then TC_CLASSDESC (0x72) or TC_PROXYCLASSDESC (0x7D). */
const firstClass = (b: Uint8Array, at: number): string | undefined => {
  if (b[at] !== 0x73) return undefined;
  if (b[at + 1] === 0x72) return className(b, at + 4, u16be(b, at + 2));
  if (b[at + 1] !== 0x7d || u32be(b, at + 2) === 0) return undefined;
  const name = className(b, at + 8, u16be(b, at + 6));
  return name === undefined ? undefined : `proxy ${name}`;
};

/** The message in `b` (its length prefix first), read as far as its octets go. */
export const readT3Message = (b: Uint8Array): T3Message => {
  const code = b[4] ?? 0;
  const classes: string[] = [];
  let firstStream = -1;
  for (let at = b.indexOf(0xac, 5); at >= 0 && at + 4 <= b.length; at = b.indexOf(0xac, at + 1)) {
    if (!opensStream(b, at)) continue;
    if (firstStream < 0) firstStream = at;
    const name = firstClass(b, at + 4);
    if (name !== undefined && classes.length < maxClasses) classes.push(name);
  }
  return { command: commands[code] ?? `command-${code}`, classes, firstStream };
};
