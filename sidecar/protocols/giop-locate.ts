/**
 * GIOP's LocateRequest and LocateReply (CORBA 3.0, §15.4.5-6): a client asks whether an object is here before
 * calling it (omniORB does so for a reference it was handed). The request: its id and the object key (1.0, 1.1) or a
 * target address (1.2); the reply: the id and a `LocateStatusType`.
 */
import { cdrReader, octets, ulong } from './cdr-reader.ts';
import { type GiopHeader, giopHeaderSize } from './giop-header.ts';
import { showObjectKey } from './giop-object-key.ts';
import { readTargetAddress } from './giop-target.ts';

/** `GIOP::LocateStatusType`: the last three only from 1.2. */
const statuses = [
  'unknown-object',
  'object-here',
  'object-forward',
  'object-forward-perm',
  'loc-system-exception',
  'loc-needs-addressing-mode',
] as const;

export type GiopLocateRequest = { requestId: number; target: string };
export type GiopLocateReply = { requestId: number; status: string };

export const readGiopLocateRequest = (
  message: Uint8Array,
  header: GiopHeader,
): GiopLocateRequest | undefined => {
  const r = cdrReader(message, giopHeaderSize, header.little);
  const requestId = ulong(r);
  if (header.minor === 2) {
    const target = readTargetAddress(r);
    return requestId === undefined || target === undefined ? undefined : { requestId, target };
  }
  const key = octets(r);
  return requestId === undefined || key === undefined ? undefined : { requestId, target: showObjectKey(key) };
};

export const readGiopLocateReply = (message: Uint8Array, header: GiopHeader): GiopLocateReply | undefined => {
  const r = cdrReader(message, giopHeaderSize, header.little);
  const requestId = ulong(r);
  const code = ulong(r);
  const status = code === undefined ? undefined : statuses[code];
  if (requestId === undefined || status === undefined || (header.minor < 2 && (code ?? 0) > 2))
    return undefined;
  return { requestId, status };
};
