/**
 * EventRequest.Set (15/1): the event kind a debugger asks for (a breakpoint, method entry, a class prepared...) and
 * where, from its modifiers (the JDWP specification, EventRequest.Set's modKind cases): a location's class and method
 * (LocationOnly, 7), a class pattern (ClassMatch 5, ClassExclude 6, SourceNameMatch 12). Told as `event-request
 * breakpoint`, its detail where (`Target.tick`).
 */
import { eventKindName } from './jdwp-commands.ts';
import type { Told } from './jdwp-invoke.ts';
import type { JdwpReader } from './jdwp-reader.ts';
import { classOf, type JdwpSession } from './jdwp-session.ts';

/** Modifiers read at most. */
const maxModifiers = 16;

/** One modifier's place, when it names one; undefined past a modifier it cannot skip (or the data's end). */
const modifier = (r: JdwpReader, session: JdwpSession): string | undefined => {
  const { sizes, methods } = session;
  const kind = r.u8();
  switch (kind) {
    case 1:
    case 2:
      r.skip(4);
      return '';
    case 3:
    case 11:
      r.skip(sizes.object);
      return '';
    case 4:
      return classOf(session, r.id(sizes.refType));
    case 5:
    case 12:
      return r.string(256);
    case 6:
      return `not ${r.string(256)}`;
    case 7: {
      r.u8();
      const classId = r.id(sizes.refType);
      const method = methods.get(r.id(sizes.method));
      r.skip(8);
      return `${classOf(session, classId)}.${method?.name ?? 'method'}`;
    }
    case 8:
      r.skip(sizes.refType + 2);
      return '';
    case 9:
      r.skip(sizes.refType + sizes.field);
      return '';
    case 10:
      r.skip(sizes.object + 8);
      return '';
    case 13:
      return '';
    default:
      return undefined;
  }
};

export const readEventRequest = (r: JdwpReader, session: JdwpSession): Told => {
  const told: Told = { operation: `event-request ${eventKindName(r.u8())}` };
  r.u8();
  const count = r.u32();
  const places: string[] = [];
  for (let i = 0; i < Math.min(count, maxModifiers); i++) {
    const place = modifier(r, session);
    if (place === undefined || !r.ok()) break;
    if (place !== '') places.push(place);
  }
  if (places.length > 0) told.detail = places.join(', ');
  return told;
};
