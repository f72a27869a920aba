/**
 * An SNMP message (RFC 3416 PDUs in the RFC 1157 / RFC 1901 / RFC 3412 message formats), read strictly from its BER:
 * the version, the community string of versions 1 and 2c, the PDU's type, request id and error status, and the
 * first object identifiers it names. Version 3's header says whether the PDU is encrypted; a plain one is read too.
 * Anything that does not hold together (lengths, tags, field ranges) is not SNMP: many UDP payloads start with 0x30.
 */
import { type Tlv, tlvWithin } from './ldap-ber.ts';
import { latin1 } from './wire-bytes.ts';

/** PDU types: context-specific constructed tags [0]..[8] (RFC 3416 section 3; [4] is v1's Trap, RFC 1157). */
const pduNames = [
  'GetRequest',
  'GetNextRequest',
  'Response',
  'SetRequest',
  'Trap',
  'GetBulkRequest',
  'InformRequest',
  'SNMPv2-Trap',
  'Report',
] as const;
export type PduName = (typeof pduNames)[number];

const sequence = 0x30;
const integer = 0x02;
const octetString = 0x04;
const objectIdentifier = 0x06;
/** The highest error-status (RFC 3416: inconsistentName, 18). */
const maxErrorStatus = 18;
const secondVersionPdus = new Set<PduName>(['GetBulkRequest', 'InformRequest', 'SNMPv2-Trap', 'Report']);
/** Object identifiers kept from a PDU's variable bindings. */
const maxOids = 4;

export type SnmpMessage = {
  version: '1' | '2c' | '3';
  /** Versions 1 and 2c: the community string (a password in all but name), as Latin-1. */
  community?: string;
  /** Version 3: the user the security parameters name (USM, RFC 3414 section 2.4), as Latin-1, at most 64 octets. */
  user?: string;
  /** Absent when version 3's PDU is encrypted (privacy). */
  pdu?: PduName;
  requestId?: number;
  errorStatus?: number;
  oids: string[];
  encrypted: boolean;
};

/** A BER INTEGER of 1 to 4 octets, signed (request ids may be negative). */
const signedInteger = (b: Uint8Array, t: Tlv | undefined): number | undefined => {
  if (t === undefined || t.tag !== integer) return undefined;
  const n = t.end - t.contentStart;
  if (n < 1 || n > 4) return undefined;
  let value = (b[t.contentStart] as number) & 0x80 ? -1 : 0;
  for (let i = t.contentStart; i < t.end; i++) value = value * 256 + (b[i] as number);
  return value;
};

/** Dotted text of a BER OBJECT IDENTIFIER (X.690 section 8.19), or undefined when malformed. */
export const oidText = (b: Uint8Array, start: number, end: number): string | undefined => {
  const arcs: number[] = [];
  let value = 0;
  for (let i = start; i < end; i++) {
    const octet = b[i] as number;
    if (value === 0 && octet === 0x80) return undefined;
    value = value * 128 + (octet & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if ((octet & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  if (arcs.length === 0 || (b[end - 1] as number) & 0x80) return undefined;
  const first = arcs[0] as number;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
};

/** The `count` TLVs that fill `parent`'s content one after another, exactly; undefined when they do not. */
const children = (b: Uint8Array, parent: Tlv, count: number): Tlv[] | undefined => {
  const out: Tlv[] = [];
  let at = parent.contentStart;
  for (let i = 0; i < count; i++) {
    const child = tlvWithin(b, at, parent.end);
    if (child === undefined) return undefined;
    out.push(child);
    at = child.end;
  }
  return at === parent.end ? out : undefined;
};

/** v1's Trap (RFC 1157 section 4.1.6): enterprise OID, agent address, trap codes, time stamp, bindings. */
const trapPdu = (b: Uint8Array, pdu: Tlv) => {
  const enterprise = tlvWithin(b, pdu.contentStart, pdu.end);
  const oid =
    enterprise?.tag === objectIdentifier ? oidText(b, enterprise.contentStart, enterprise.end) : undefined;
  return oid === undefined ? undefined : { pdu: 'Trap' as const, oids: [oid] };
};

/** The object identifiers of a VarBindList: each binding a SEQUENCE of an OID and a value. */
const bindingOids = (b: Uint8Array, bindings: Tlv): string[] | undefined => {
  const oids: string[] = [];
  for (let at = bindings.contentStart; at < bindings.end; ) {
    const binding = tlvWithin(b, at, bindings.end);
    const name = binding?.tag === sequence ? tlvWithin(b, binding.contentStart, binding.end) : undefined;
    const oid = name?.tag === objectIdentifier ? oidText(b, name.contentStart, name.end) : undefined;
    if (binding === undefined || oid === undefined) return undefined;
    if (oids.length < maxOids) oids.push(oid);
    at = binding.end;
  }
  return oids;
};

/** The PDU at `at` (the rest of the message, exactly): its type, request id, error status and first OIDs. */
const readPdu = (b: Uint8Array, at: number, end: number) => {
  const pdu = tlvWithin(b, at, end);
  if (pdu === undefined || pdu.end !== end || pdu.tag < 0xa0 || pdu.tag > 0xa8) return undefined;
  const name = pduNames[pdu.tag - 0xa0] as PduName;
  if (name === 'Trap') return trapPdu(b, pdu);
  const [id, status, index, bindings] = children(b, pdu, 4) ?? [];
  const requestId = signedInteger(b, id);
  const errorStatus = signedInteger(b, status) ?? -1;
  const errorIndex = signedInteger(b, index) ?? -1;
  // GetBulk puts non-repeaters and max-repetitions there: never negative either.
  if (requestId === undefined || errorStatus < 0 || errorIndex < 0 || bindings?.tag !== sequence)
    return undefined;
  if (name !== 'GetBulkRequest' && errorStatus > maxErrorStatus) return undefined;
  const oids = bindingOids(b, bindings);
  return oids === undefined ? undefined : { pdu: name, requestId, errorStatus, oids };
};

/** msgGlobalData (RFC 3412 section 6): id, max size (at least 484), one octet of flags, a security model. */
const globalFlags = (b: Uint8Array, global: Tlv | undefined): number | undefined => {
  const [id, maxSize, flags, model] = global?.tag === sequence ? (children(b, global, 4) ?? []) : [];
  if (signedInteger(b, id) === undefined || (signedInteger(b, maxSize) ?? 0) < 484) return undefined;
  if (flags?.tag !== octetString || flags.end - flags.contentStart !== 1) return undefined;
  return (signedInteger(b, model) ?? 0) < 1 ? undefined : (b[flags.contentStart] as number);
};

/** USM's security parameters (RFC 3414 section 2.4): engine id, boots, time, user name, authentication, privacy. */
const usmUser = (b: Uint8Array, parameters: Tlv): string | undefined => {
  const inner = tlvWithin(b, parameters.contentStart, parameters.end);
  const fields = inner?.tag === sequence ? children(b, inner, 6) : undefined;
  const name = fields?.[3];
  return name?.tag === octetString
    ? latin1(b, name.contentStart, Math.min(name.end, name.contentStart + 64))
    : undefined;
};

/** Version 3 (RFC 3412 section 6): msgGlobalData, then security parameters, then the scoped PDU, plain or encrypted. */
const readV3 = (b: Uint8Array, at: number, end: number): SnmpMessage | undefined => {
  const global = tlvWithin(b, at, end);
  const flags = globalFlags(b, global);
  const security = global === undefined ? undefined : tlvWithin(b, global.end, end);
  const scoped = security?.tag === octetString ? tlvWithin(b, security.end, end) : undefined;
  if (flags === undefined || security === undefined || scoped === undefined || scoped.end !== end)
    return undefined;
  const privacy = (flags & 0x02) !== 0;
  const user = usmUser(b, security);
  const named = user === undefined || user === '' ? {} : { user };
  if (scoped.tag === octetString)
    return privacy ? { version: '3', ...named, oids: [], encrypted: true } : undefined;
  if (scoped.tag !== sequence || privacy) return undefined;
  // ScopedPDU: contextEngineID, contextName, then the PDU.
  const engine = tlvWithin(b, scoped.contentStart, scoped.end);
  const context = engine?.tag === octetString ? tlvWithin(b, engine.end, scoped.end) : undefined;
  const pdu = context?.tag === octetString ? readPdu(b, context.end, scoped.end) : undefined;
  return pdu === undefined ? undefined : { version: '3', ...named, ...pdu, encrypted: false };
};

/** The message that is the whole of `b`, or undefined when `b` is not one. */
export const readSnmpMessage = (b: Uint8Array): SnmpMessage | undefined => {
  const message = tlvWithin(b, 0, b.length);
  if (message?.tag !== sequence || message.end !== b.length) return undefined;
  const version = tlvWithin(b, message.contentStart, message.end);
  const number = signedInteger(b, version);
  if (version === undefined || number === undefined) return undefined;
  if (number === 3) return readV3(b, version.end, message.end);
  if (number !== 0 && number !== 1) return undefined;
  const community = tlvWithin(b, version.end, message.end);
  if (community?.tag !== octetString) return undefined;
  const pdu = readPdu(b, community.end, message.end);
  if (pdu === undefined) return undefined;
  // Trap is version 1's alone; GetBulk, Inform, SNMPv2-Trap and Report came with version 2.
  if (number === 0 ? secondVersionPdus.has(pdu.pdu) : pdu.pdu === 'Trap') return undefined;
  const text = latin1(b, community.contentStart, community.end);
  return { version: number === 0 ? '1' : '2c', community: text, ...pdu, encrypted: false };
};
