/**
 * A GIOP Request's header (CORBA 3.0, §15.4.2). 1.0 and 1.1: the service contexts, the request id,
 * `response_expected` (1.1 then three reserved octets, which CDR's alignment of the next ulong gives 1.0 too), the
 * object key, the operation and the requesting principal; the arguments follow at once. 1.2: the request id, the
 * response flags and three reserved octets, the target address, the operation and the service contexts; the
 * arguments start on the next multiple of 8 from the message's start (§15.4.2.2).
 */
import { align, type CdrReader, cdrReader, octet, octets, readable, ulong } from './cdr-reader.ts';
import { type GiopHeader, giopHeaderSize } from './giop-header.ts';
import { showObjectKey } from './giop-object-key.ts';
import { skipServiceContexts } from './giop-service-contexts.ts';
import { readTargetAddress } from './giop-target.ts';
import { isPrintable, latin1 } from './wire-bytes.ts';

export type GiopRequest = {
  requestId: number;
  responseExpected: boolean;
  /** The object key shown (giop-object-key.ts), or what names the target when there is no key. */
  target: string;
  operation: string;
  /** Where the arguments start in the message. */
  bodyStart: number;
};

const maxOperation = 128;

/** An operation name: 1 to 128 printable characters and its NUL (IDL identifiers, `_is_a`, `_get_name`). */
const operationName = (r: CdrReader): string | undefined => {
  const chars = octets(r);
  if (chars === undefined || chars.length < 2 || chars.length - 1 > maxOperation) return undefined;
  const end = chars.length - 1;
  return chars[end] === 0 && isPrintable(chars, 0, end) ? latin1(chars, 0, end) : undefined;
};

const readOld = (r: CdrReader): Omit<GiopRequest, 'bodyStart'> | undefined => {
  if (!skipServiceContexts(r)) return undefined;
  const requestId = ulong(r);
  const expected = octet(r);
  const key = octets(r);
  const operation = operationName(r);
  if (requestId === undefined || expected === undefined || key === undefined || operation === undefined)
    return undefined;
  if (octets(r) === undefined) return undefined;
  return { requestId, responseExpected: expected !== 0, target: showObjectKey(key), operation };
};

const readNew = (r: CdrReader): Omit<GiopRequest, 'bodyStart'> | undefined => {
  const requestId = ulong(r);
  const flags = octet(r);
  r.at += 3;
  const target = readTargetAddress(r);
  const operation = operationName(r);
  if (requestId === undefined || flags === undefined || target === undefined || operation === undefined)
    return undefined;
  if (!skipServiceContexts(r)) return undefined;
  align(r, 8);
  // Response flags 0 (SYNC_NONE, SYNC_WITH_TRANSPORT) ask for no reply; 1 and 3 for one.
  return { requestId, responseExpected: flags !== 0, target, operation };
};

/** The request header of a whole (or reassembled) Request message; undefined when it does not hold. */
export const readGiopRequest = (message: Uint8Array, header: GiopHeader): GiopRequest | undefined => {
  const r = cdrReader(message, giopHeaderSize, header.little);
  const read = header.minor === 2 ? readNew(r) : readOld(r);
  if (read === undefined || !readable(r)) return undefined;
  return { ...read, bodyStart: Math.min(r.at, message.length) };
};
