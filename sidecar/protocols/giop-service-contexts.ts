/**
 * An `IOP::ServiceContextList` (CORBA 3.0, §13.7): a count, then per context a ulong id and its data as an octet
 * sequence. GIOP requests and replies carry one (code sets, bidirectional GIOP, an ORB's own); their contents are not
 * read, only passed over, at most 64 of them.
 */
import { type CdrReader, octets, ulong } from './cdr-reader.ts';

const maxContexts = 64;

/** Passes over the list; false when it is cut or counts more contexts than any ORB sends. */
export const skipServiceContexts = (r: CdrReader): boolean => {
  const count = ulong(r);
  if (count === undefined || count > maxContexts) return false;
  for (let i = 0; i < count; i++) if (ulong(r) === undefined || octets(r) === undefined) return false;
  return true;
};
