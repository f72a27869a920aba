/**
 * A GIOP Reply's header (CORBA 3.0, §15.4.3). 1.0 and 1.1: the service contexts, the request id and the reply
 * status; the body follows at once. 1.2: the request id, the status and the service contexts; the body starts on the
 * next multiple of 8 from the message's start. A user or system exception's body opens with its repository id
 * (`IDL:omg.org/CosNaming/NamingContext/NotFound:1.0`, `IDL:omg.org/CORBA/OBJECT_NOT_EXIST:1.0`), which is read.
 */
import { align, cdrReader, cdrString, ulong } from './cdr-reader.ts';
import { type GiopHeader, giopHeaderSize } from './giop-header.ts';
import { skipServiceContexts } from './giop-service-contexts.ts';

/** `GIOP::ReplyStatusType`: the last two only from 1.2. */
const statuses = [
  'no-exception',
  'user-exception',
  'system-exception',
  'location-forward',
  'location-forward-perm',
  'needs-addressing-mode',
] as const;

export type GiopReply = { requestId: number; status: string; exception?: string };

/** A repository id: printable, no longer than 128 characters. */
const repositoryId = (text: string | undefined): string | undefined =>
  text !== undefined && /^[\x21-\x7e]{1,128}$/.test(text) ? text : undefined;

export const readGiopReply = (message: Uint8Array, header: GiopHeader): GiopReply | undefined => {
  const r = cdrReader(message, giopHeaderSize, header.little);
  if (header.minor < 2 && !skipServiceContexts(r)) return undefined;
  const requestId = ulong(r);
  const code = ulong(r);
  if (requestId === undefined || code === undefined) return undefined;
  const status = statuses[code];
  if (status === undefined || (header.minor < 2 && code > 3)) return undefined;
  if (header.minor === 2) {
    if (!skipServiceContexts(r)) return undefined;
    align(r, 8);
  }
  const exception = code === 1 || code === 2 ? repositoryId(cdrString(r, 129)) : undefined;
  return { requestId, status, ...(exception === undefined ? {} : { exception }) };
};
