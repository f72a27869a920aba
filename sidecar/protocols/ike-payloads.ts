/**
 * What an IKE message's payloads in the clear say: the SA payload's proposals, notify types (RFC 7296 §3.10; RFC
 * 2408 §3.14 after a DOI), vendor ids (ike-vendors.ts) and, for IKEv1, the identification payload (RFC 2407 §4.6.2),
 * which aggressive mode sends unencrypted: the identity its pre-shared key hash is bound to, the start of an offline
 * guess (ike-scan's psk-crack). Nothing under SK or IKEv1's encryption is read.
 */
import { type IkeMessage, payloadTypes } from './ike-header.ts';
import { notifyName } from './ike-names.ts';
import { v1Proposals, v2Proposals } from './ike-sa.ts';
import { vendorName } from './ike-vendors.ts';
import { isPrintable, latin1, u16be } from './wire-bytes.ts';

export type IkeContents = { proposals: string[]; notifies: string[]; vendors: string[]; identity: string };

/** Characters of an identity kept. */
const maxIdentity = 128;

const hexOf = (b: Uint8Array, start: number, end: number): string =>
  Buffer.from(b.buffer, b.byteOffset + start, Math.max(0, end - start)).toString('hex');

/** RFC 2407 §4.6.2.1's identification types that are text or an address. */
const identity = (b: Uint8Array, start: number, end: number): string => {
  const type = b[start] ?? 0;
  const data = start + 4;
  if (type === 1 && end - data === 4) return `ID_IPV4_ADDR:${[...b.subarray(data, end)].join('.')}`;
  if ((type === 2 || type === 3) && end > data && isPrintable(b, data, end)) {
    const name = latin1(b, data, Math.min(end, data + maxIdentity)).replace(/\s/g, '_');
    return `${type === 2 ? 'ID_FQDN' : 'ID_USER_FQDN'}:${name}`;
  }
  if (type === 11) return `ID_KEY_ID:${hexOf(b, data, Math.min(end, data + 16))}`;
  return `ID_TYPE_${type}`;
};

/** The notify type's offset in a notify payload's body: IKEv2 after protocol and SPI size, IKEv1 after a DOI too. */
const notifyType = (m: IkeMessage, b: Uint8Array, start: number): number =>
  u16be(b, m.version === 2 ? start + 2 : start + 6);

const proposalsOf = (m: IkeMessage, b: Uint8Array, start: number, end: number): string[] =>
  m.version === 2 ? v2Proposals(b, start, end) : v1Proposals(b, start, end);

/** Payload types by version: SA, notify, vendor id, identification (IKEv2's is under SK: none). */
const types = {
  2: { sa: 33, notify: 41, vendor: 43, id: -1 },
  1: { sa: payloadTypes.v1Sa, notify: 11, vendor: payloadTypes.v1Vendor, id: payloadTypes.v1Id },
} as const;

export const readContents = (m: IkeMessage, b: Uint8Array): IkeContents => {
  const out: IkeContents = { proposals: [], notifies: [], vendors: [], identity: '' };
  const t = types[m.version];
  for (const p of m.payloads) {
    if (p.end - p.start < 4) continue;
    if (p.type === t.sa) out.proposals.push(...proposalsOf(m, b, p.start, p.end));
    else if (p.type === t.notify) out.notifies.push(notifyName(m.version, notifyType(m, b, p.start)));
    else if (p.type === t.vendor) out.vendors.push(vendorName(hexOf(b, p.start, p.end)));
    else if (p.type === t.id && out.identity === '') out.identity = identity(b, p.start, p.end);
  }
  return out;
};
