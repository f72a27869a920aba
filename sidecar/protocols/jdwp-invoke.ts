/**
 * A JDWP method invocation read as what it runs: ClassType.InvokeMethod (3/3), ClassType.NewInstance (3/4),
 * InterfaceType.InvokeMethod (5/1) and ObjectReference.InvokeMethod (9/6) name a class, a thread and a method id,
 * then the arguments as tagged values. Told as `invoke java.lang.Runtime.exec` (`<init>` for a constructor), its
 * detail the arguments: a string the debugger created earlier (VirtualMachine.CreateString) by its text.
 */
import { type JdwpReader, valueSize } from './jdwp-reader.ts';
import { classOf, type JdwpSession } from './jdwp-session.ts';

export type Told = { operation: string; detail?: string };

/** Arguments rendered at most. */
const maxArguments = 16;
/** Characters of one string argument kept. */
const maxString = 512;
/** Tags whose value is an object id: an array, an object, a string, a thread, a group, a loader, a class. */
const objectTags = '[Lstglc';

const integer = (r: JdwpReader, size: number): string => {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + r.u8();
  return String(value);
};

/** A primitive value: an integer's or a boolean's own, else its kind. */
const primitive = (r: JdwpReader, kind: string, size: number): string => {
  if (kind === 'I' || kind === 'S' || kind === 'B' || kind === 'C') return integer(r, size);
  if (kind === 'Z') return r.u8() === 0 ? 'false' : 'true';
  r.skip(size);
  return kind === 'J' ? 'long' : kind === 'V' ? 'void' : 'number';
};

/** One tagged value: a created string's text quoted, a primitive's value, else its kind (`object`, `array`). */
const argument = (r: JdwpReader, session: JdwpSession): string | undefined => {
  const tag = r.u8();
  const size = valueSize(tag, session.sizes);
  if (size === undefined || !r.ok()) return undefined;
  const kind = String.fromCharCode(tag);
  if (!objectTags.includes(kind)) return primitive(r, kind, size);
  const text = session.strings.get(r.id(size));
  if (text !== undefined) return JSON.stringify(text.slice(0, maxString));
  return kind === '[' ? 'array' : kind === 's' ? 'string' : 'object';
};

/** The arguments; when none is a created string, the newest strings created before, which it may hold. */
const argumentsOf = (r: JdwpReader, session: JdwpSession): string => {
  const count = r.u32();
  const rendered: string[] = [];
  for (let i = 0; i < Math.min(count, maxArguments) && r.ok(); i++) {
    const value = argument(r, session);
    if (value === undefined) break;
    rendered.push(value);
  }
  const text = rendered.join(', ');
  if (rendered.some((value) => value.startsWith('"')) || session.strings.size === 0) return text;
  const recent = [...session.strings.values()].slice(-3).map((s) => JSON.stringify(s.slice(0, maxString)));
  return `${text}${text === '' ? '' : '; '}strings created before: ${recent.join(', ')}`;
};

/** The method's `class.name`, or the ids the session never named. */
const methodOf = (session: JdwpSession, classId: string, methodId: string): string => {
  const method = session.methods.get(methodId);
  const owner = session.classes.has(classId) || method === undefined ? classId : method.classId;
  return `${classOf(session, owner)}.${method?.name ?? `method@${methodId}`}`;
};

/** The invocation in `r` (set 3 command 3 or 4, set 5 command 1, set 9 command 6). */
export const readInvoke = (r: JdwpReader, session: JdwpSession, set: number): Told => {
  const { sizes } = session;
  // ObjectReference.InvokeMethod: the object and the thread, then the class; the others: the class, then the thread.
  if (set === 9) r.skip(2 * sizes.object);
  const classId = r.id(sizes.refType);
  if (set !== 9) r.skip(sizes.object);
  const methodId = r.id(sizes.method);
  if (!r.ok()) return { operation: 'invoke' };
  const detail = argumentsOf(r, session);
  const told: Told = { operation: `invoke ${methodOf(session, classId, methodId)}` };
  if (detail !== '') told.detail = detail;
  return told;
};
