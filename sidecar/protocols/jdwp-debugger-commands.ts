/**
 * The debugger's commands that say what it does to the VM (the JDWP specification's command sets): the ones told as
 * operations (a class looked up, a string created, a method invoked, an event asked for, the VM made to exit, classes
 * redefined) and the ones whose reply names something (a class's signature, its methods), noted on the waiting
 * command so the reply is read with it.
 */
import { readEventRequest } from './jdwp-event-request.ts';
import { readInvoke, type Told } from './jdwp-invoke.ts';
import { className, type JdwpReader } from './jdwp-reader.ts';
import { classOf, type JdwpSession, type Pending } from './jdwp-session.ts';

/** Classes a RedefineClasses names at most. */
const maxRedefined = 8;

const redefine = (r: JdwpReader, session: JdwpSession): Told => {
  const count = r.u32();
  const names: string[] = [];
  for (let i = 0; i < Math.min(count, maxRedefined); i++) {
    const id = r.id(session.sizes.refType);
    r.skip(r.u32());
    if (!r.ok()) break;
    names.push(classOf(session, id));
  }
  return { operation: 'redefine-classes', detail: `${count} classes: ${names.join(', ')}` };
};

type CommandReader = (r: JdwpReader, session: JdwpSession, pending: Pending) => Told | undefined;

/** The reply to ReferenceType.Signature, SignatureWithGeneric, Methods, MethodsWithGeneric names this class. */
const namesClass: CommandReader = (r, session, pending) => {
  pending.note = r.id(session.sizes.refType);
  return undefined;
};

const invoke: CommandReader = (r, session, { set }) => readInvoke(r, session, set);

/** The commands read, by command set * 256 + command. */
const commands = new Map<number, CommandReader>([
  [
    0x102,
    (r, _session, pending) => {
      pending.note = r.string(512);
      return { operation: `classes-by-signature ${pending.note}`, detail: className(pending.note) };
    },
  ],
  [0x10a, (r) => ({ operation: 'exit', detail: `code ${r.u32() | 0}` })],
  [
    0x10b,
    (r, _session, pending) => {
      pending.note = r.string(4096);
      return { operation: 'create-string', detail: pending.note.slice(0, 1024) };
    },
  ],
  [0x112, redefine],
  [0x201, namesClass],
  [0x20d, namesClass],
  [0x205, namesClass],
  [0x20f, namesClass],
  [0x303, invoke],
  [0x304, invoke],
  [0x501, invoke],
  [0x906, invoke],
  [0xf01, readEventRequest],
]);

/**
 * What the command `pending` names in `r` does, when it is one told; sets `pending.note` to what its reply is read
 * with (the signature looked up, the text created, the class whose names are asked for).
 */
export const readDebuggerCommand = (
  r: JdwpReader,
  session: JdwpSession,
  pending: Pending,
): Told | undefined => commands.get(pending.set * 256 + pending.command)?.(r, session, pending);
