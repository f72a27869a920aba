/**
 * The Java classes a GIOP request's arguments name as RMI-IIOP value types: the Java-to-IDL mapping (OMG formal/
 * 2008-01-11, §1.3.5.7) writes a serializable class's repository id as `RMI:<class name>:<hash>:<serial version UID>`,
 * after the value tag (CORBA 3.0, §15.3.4). WebLogic's IIOP deserializes those classes (CVE-2020-2551,
 * CVE-2023-21839): the classes named are what a server would build. One native search for `RMI:` first; a body
 * without it costs nothing more.
 */
import { latin1 } from '../../protocols/wire-bytes.ts';

const maxClasses = 32;
const maxName = 256;
/** A Java binary class name's octets: letters, digits, `_`, `$`, `.` (and `[`/`;` of an array's descriptor). */
const classCharacter = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f ||
  c === 0x24 ||
  c === 0x2e ||
  c === 0x5b ||
  c === 0x3b;

/** Distinct class names of the `RMI:` repository ids in `body`, in order, at most 32. */
export const rmiIiopClasses = (body: Uint8Array): string[] => {
  const view = Buffer.from(body.buffer, body.byteOffset, body.length);
  let at = view.indexOf('RMI:');
  if (at < 0) return [];
  const found = new Set<string>();
  while (at >= 0 && found.size < maxClasses) {
    const start = at + 4;
    let end = start;
    while (end < view.length && end - start < maxName && classCharacter(view[end] ?? 0)) end += 1;
    if (end > start && view[end] === 0x3a) found.add(latin1(body, start, end));
    at = view.indexOf('RMI:', end);
  }
  return [...found];
};
