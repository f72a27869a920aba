/**
 * One RADIUS packet (RFC 2865 section 3, RFC 2866, RFC 5176): a code, an identifier, a length equal to the datagram's
 * (20 to 4096 octets), the 16-octet authenticator, then attributes (a type of 1 or more, a length of 2 or more
 * counting its own two octets) that end exactly at the length. Anything else is no packet.
 */
import { u16be } from './wire-bytes.ts';

export const radiusHeaderLength = 20;
export const radiusMaxLength = 4096;

/** The codes a client sends (RFC 2865, 2866, 5176; 12 and 13 are RFC 5997's Status-Server and Status-Client). */
const requestCodes: ReadonlyMap<number, string> = new Map([
  [1, 'Access-Request'],
  [4, 'Accounting-Request'],
  [12, 'Status-Server'],
  [13, 'Status-Client'],
  [40, 'Disconnect-Request'],
  [43, 'CoA-Request'],
]);

/** The codes a server answers with. */
const responseCodes: ReadonlyMap<number, string> = new Map([
  [2, 'Access-Accept'],
  [3, 'Access-Reject'],
  [5, 'Accounting-Response'],
  [11, 'Access-Challenge'],
  [41, 'Disconnect-ACK'],
  [42, 'Disconnect-NAK'],
  [44, 'CoA-ACK'],
  [45, 'CoA-NAK'],
]);

/** The code's name, and whether a client sends it; undefined for a code RADIUS does not define here. */
export const radiusCode = (code: number): { name: string; request: boolean } | undefined => {
  const request = requestCodes.get(code);
  if (request !== undefined) return { name: request, request: true };
  const response = responseCodes.get(code);
  return response === undefined ? undefined : { name: response, request: false };
};

export type RadiusAttribute = { type: number; value: Uint8Array };

export type RadiusPacket = {
  code: number;
  name: string;
  request: boolean;
  identifier: number;
  attributes: readonly RadiusAttribute[];
};

/** The code, the length agreeing with the datagram, and the attributes ending at it: no copy is made before. */
export const isRadiusPacket = (b: Uint8Array): boolean => {
  if (radiusCode(b[0] ?? 0) === undefined || b.length < radiusHeaderLength) return false;
  if (b.length > radiusMaxLength || u16be(b, 2) !== b.length) return false;
  let at = radiusHeaderLength;
  while (at < b.length) {
    const length = b[at + 1] ?? 0;
    if ((b[at] ?? 0) === 0 || length < 2) return false;
    at += length;
  }
  return at === b.length;
};

/** The datagram as a packet, when it is one whole (isRadiusPacket). */
export const readRadiusPacket = (b: Uint8Array): RadiusPacket | undefined => {
  if (!isRadiusPacket(b)) return undefined;
  const code = radiusCode(b[0] ?? 0);
  if (code === undefined) return undefined;
  const attributes: RadiusAttribute[] = [];
  for (let at = radiusHeaderLength; at < b.length; at += b[at + 1] ?? 2)
    attributes.push({ type: b[at] ?? 0, value: b.subarray(at + 2, at + (b[at + 1] ?? 2)) });
  return { code: b[0] ?? 0, ...code, identifier: b[1] ?? 0, attributes };
};
