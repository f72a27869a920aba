/**
 * The `CosNaming::Name` that the Naming Service's operations take first (CORBA Naming Service 1.3, §2.1): a sequence
 * of NameComponents, each an `id` and a `kind` string, shown in the stringified form of §2.4 (`id.kind/id`). Read
 * only for the operations that take one, so `name=` in a summary is what was bound, resolved or unbound.
 */
import { type CdrReader, cdrString, ulong } from './cdr-reader.ts';

/** NamingContext's and WebLogic's (`bind_any`, `rebind_any`) operations whose first argument is a Name. */
const takesName = new Set([
  'bind',
  'rebind',
  'bind_context',
  'rebind_context',
  'resolve',
  'unbind',
  'bind_new_context',
  'bind_any',
  'rebind_any',
]);
const maxComponents = 8;
const maxChars = 64;

const component = (r: CdrReader): string | undefined => {
  const id = cdrString(r, maxChars);
  const kind = cdrString(r, maxChars);
  if (id === undefined || kind === undefined) return undefined;
  return kind === '' ? id : `${id}.${kind}`;
};

/** The Name `operation` takes, read where its arguments start; undefined for other operations or a cut one. */
export const namingName = (operation: string, r: CdrReader): string | undefined => {
  if (!takesName.has(operation)) return undefined;
  const count = ulong(r);
  if (count === undefined || count === 0 || count > 64) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < Math.min(count, maxComponents); i++) {
    const part = component(r);
    if (part === undefined) return undefined;
    parts.push(part.replace(/[^\x20-\x7e]/g, '?'));
  }
  return parts.join('/') + (count > maxComponents ? '/…' : '');
};
