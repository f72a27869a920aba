/**
 * Elasticsearch's transport protocol (node to node, and transport clients; usually port 9300), from its fixed
 * message header (org.elasticsearch.transport.TcpHeader): the marker "ES", an int32 length of what follows (-1 for a
 * keep-alive ping, which is the 6 octets alone), an int64 request id, a status octet (request or response, error,
 * compressed, handshake: the four low bits) and an int32 version id (7.17.0 is 7170099; 8.x transport versions are
 * ids like 8500061 too).
 */
import type { Detection } from './protocol.ts';
import { i32be } from './wire-bytes.ts';

/** Marker (2), length (4), request id (8), status (1), version (4). */
export const esHeaderLength = 19;
/** What follows the length field at least: request id, status, version. */
const minLength = esHeaderLength - 6;
/** No transport message comes near this (recovery chunks are 512 KiB, bulk requests tens of MiB). */
export const esMaxLength = 1 << 30;
/** 1.0.0 is 1000099; anything below is not a version id. */
const minVersion = 1_000_000;
const maxVersion = 1_000_000_000;

/** The length field of a message at `at`: -1 for a ping, else what follows the 6-octet prefix. */
export const esLength = (b: Uint8Array, at = 0): number => i32be(b, at + 2);

export const plausibleStatus = (status: number): boolean => (status & 0xf0) === 0;
export const plausibleVersion = (version: number): boolean => version >= minVersion && version < maxVersion;

export const detectElasticsearch = (b: Uint8Array): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] !== 0x45) return 'no-match';
  if (b.length < 2) return 'need-more';
  if (b[1] !== 0x53) return 'no-match';
  // The length's first octet: a non-negative int32 under the bound, or 0xff of a ping.
  const high = b[2];
  if (high !== undefined && high !== 0xff && high >= esMaxLength / 0x1000000) return 'no-match';
  if (b.length < 6) return 'need-more';
  const length = esLength(b);
  if (length === -1) return 'match';
  if (length < minLength || length > esMaxLength) return 'no-match';
  if (b.length < esHeaderLength) return 'need-more';
  return plausibleStatus(b[14] as number) && plausibleVersion(i32be(b, 15)) ? 'match' : 'no-match';
};
