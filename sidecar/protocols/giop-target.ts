/**
 * What a GIOP 1.2 Request or LocateRequest is sent to (CORBA 3.0, §15.4.2.1, `GIOP::TargetAddress`): a union on a
 * short, KeyAddr (0, the object key), ProfileAddr (1, one `IOP::TaggedProfile`) or ReferenceAddr (2, a profile index
 * and a whole IOR). A profile is read for its key when it is an IIOP one (tag 0, §15.7.2: an encapsulation holding
 * the IIOP version, host, port and object key); other profiles and IORs are named by their tag or type id.
 */
import { type CdrReader, cdrReader, cdrString, octet, octets, ulong, ushort } from './cdr-reader.ts';
import { showObjectKey } from './giop-object-key.ts';

/** Profiles of an IOR read, at most. */
const maxProfiles = 16;

/** The object key an IIOP profile's encapsulation holds, shown; undefined when it is not one or is cut. */
const iiopKey = (data: Uint8Array): string | undefined => {
  // An encapsulation's first octet is its byte order, and its alignment counts from that octet.
  const r = cdrReader(data, 1, (data[0] ?? 0) === 1, 0);
  if (octet(r) !== 1 || (octet(r) ?? 9) > 3) return undefined;
  if (cdrString(r) === undefined || ushort(r) === undefined) return undefined;
  const key = octets(r);
  return key === undefined ? undefined : showObjectKey(key);
};

/** One `TaggedProfile`: its key when IIOP, else `profile <tag>`. */
const profile = (r: CdrReader): string | undefined => {
  const tag = ulong(r);
  const data = octets(r);
  if (tag === undefined || data === undefined) return undefined;
  return (tag === 0 ? iiopKey(data) : undefined) ?? `profile ${tag}`;
};

/** ReferenceAddr: the selected profile's key, or the IOR's type id when that profile is not IIOP or absent. */
const reference = (r: CdrReader): string | undefined => {
  const selected = ulong(r);
  const typeId = cdrString(r, 128);
  const count = ulong(r);
  if (selected === undefined || count === undefined || count > maxProfiles) return undefined;
  let chosen: string | undefined;
  for (let i = 0; i < count; i++) {
    const shown = profile(r);
    if (shown === undefined) return undefined;
    if (i === selected) chosen = shown;
  }
  return chosen !== undefined && !chosen.startsWith('profile ') ? chosen : `ior ${typeId ?? '(no type id)'}`;
};

/** The target, shown as its object key where one can be had; undefined when the union does not hold. */
export const readTargetAddress = (r: CdrReader): string | undefined => {
  const kind = ushort(r);
  if (kind === 0) {
    const key = octets(r);
    return key === undefined ? undefined : showObjectKey(key);
  }
  if (kind === 1) return profile(r);
  return kind === 2 ? reference(r) : undefined;
};
