/**
 * The VM's replies the session learns from (the JDWP specification's reply data): its name and version (1/1), its id
 * sizes (1/7), classes by id (1/2, 1/3, 1/20, 2/1, 2/13, and the class-prepare events it sends), methods by id (2/5,
 * 2/15) and created strings by id (1/11). Every loop is bounded by the packet's octets and the session's limits.
 */
import { eventKindName } from './jdwp-commands.ts';
import type { Told } from './jdwp-invoke.ts';
import { className, type JdwpReader } from './jdwp-reader.ts';
import { type JdwpSession, limits, type Pending, remember } from './jdwp-session.ts';

const version = (r: JdwpReader): Told => {
  r.string(0);
  const jdwp = `JDWP ${r.u32()}.${r.u32()}`;
  const vmVersion = r.string(128);
  const vmName = r.string(128);
  return { operation: `vm ${vmName} ${vmVersion}`.trim(), detail: jdwp };
};

/** IDSizes: five ints; a size outside 1-8 leaves the default (ids are read as hex, never as numbers). */
const idSizes = (r: JdwpReader, session: JdwpSession): undefined => {
  const keys = ['field', 'method', 'object', 'refType', 'frame'] as const;
  for (const key of keys) {
    const size = r.u32();
    if (r.ok() && size >= 1 && size <= 8) session.sizes[key] = size;
  }
  return undefined;
};

/** ClassesBySignature's reply: the classes (a class loader's each) of the signature asked for. */
const bySignature = (r: JdwpReader, session: JdwpSession, signature: string): undefined => {
  const count = r.u32();
  for (let i = 0; i < count && r.ok(); i++) {
    r.u8();
    const id = r.id(session.sizes.refType);
    r.u32();
    if (r.ok()) remember(session.classes, id, className(signature), limits.classes);
  }
  return undefined;
};

/** AllClasses (and WithGeneric): every class, learned while the session has room (the first loaded are kept). */
const allClasses = (r: JdwpReader, session: JdwpSession, generic: boolean): Told => {
  const count = r.u32();
  for (let i = 0; i < count && r.ok() && r.left() > 0; i++) {
    r.u8();
    const id = r.id(session.sizes.refType);
    const signature = r.string(512);
    if (generic) r.skip(r.u32());
    r.u32();
    if (r.ok() && session.classes.size < limits.classes) session.classes.set(id, className(signature));
  }
  return { operation: 'all-classes', detail: `${count} classes` };
};

const methods = (r: JdwpReader, session: JdwpSession, classId: string, generic: boolean): undefined => {
  const count = r.u32();
  for (let i = 0; i < count && r.ok() && r.left() > 0; i++) {
    const id = r.id(session.sizes.method);
    const name = r.string(256);
    r.skip(r.u32());
    if (generic) r.skip(r.u32());
    r.u32();
    if (r.ok()) remember(session.methods, id, { name, classId }, limits.methods);
  }
  return undefined;
};

const createdString = (r: JdwpReader, session: JdwpSession, text: string): undefined => {
  const id = r.id(session.sizes.object);
  if (r.ok()) remember(session.strings, id, text, limits.strings);
  return undefined;
};

const signature = (r: JdwpReader, session: JdwpSession, classId: string): undefined => {
  const name = r.string(512);
  if (r.ok()) remember(session.classes, classId, className(name), limits.classes);
  return undefined;
};

type ReplyReader = (r: JdwpReader, session: JdwpSession, note: string) => Told | undefined;

/** The replies read, by command set * 256 + command. */
const replies = new Map<number, ReplyReader>([
  [0x101, (r) => version(r)],
  [0x102, bySignature],
  [0x103, (r, session) => allClasses(r, session, false)],
  [0x107, (r, session) => idSizes(r, session)],
  [0x10b, createdString],
  [0x114, (r, session) => allClasses(r, session, true)],
  [0x201, signature],
  [0x20d, signature],
  [0x205, (r, session, classId) => methods(r, session, classId, false)],
  [0x20f, (r, session, classId) => methods(r, session, classId, true)],
]);

/** What the reply to `pending` in `r` tells, after learning what it names. */
export const readVmReply = (r: JdwpReader, session: JdwpSession, pending: Pending): Told | undefined =>
  replies.get(pending.set * 256 + pending.command)?.(r, session, pending.note ?? '');

/**
 * Event.Composite (64/100), the VM's own command: told by its first event's kind (`event breakpoint`); the classes
 * its class-prepare events name are learned (suspend policy, count, then kind, request id, thread, tag, id,
 * signature, status each).
 */
export const readVmEvents = (r: JdwpReader, session: JdwpSession): Told => {
  r.u8();
  const count = r.u32();
  const first = r.u8();
  for (let i = 0, kind = first; i < count && kind === 8 && r.ok(); i++, kind = r.u8()) {
    r.skip(4 + session.sizes.object + 1);
    const id = r.id(session.sizes.refType);
    const signature = r.string(512);
    r.u32();
    if (r.ok() && session.classes.size < limits.classes) session.classes.set(id, className(signature));
  }
  return { operation: `event ${eventKindName(first)}` };
};
