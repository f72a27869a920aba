/** Test helper: HTTP/2 frames and blocks built per RFC 9113 and RFC 7541, for the HTTP/2 parser's tests. */
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';

/** RFC 9113 §3.4 client preface. */
export const preface = ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** A frame (§4.1): 24-bit length, type, flags, stream id, payload. */
export const frame = (
  type: number,
  flags: number,
  stream: number,
  payload: Uint8Array = new Uint8Array(0),
) => {
  const header = new Uint8Array(9);
  header.set([
    (payload.length >> 16) & 0xff,
    (payload.length >> 8) & 0xff,
    payload.length & 0xff,
    type,
    flags,
  ]);
  new DataView(header.buffer).setUint32(5, stream);
  return concat(header, payload);
};

/** RFC 7541 C.3.1: GET / on www.example.com (static-table indices and one literal). */
export const getBlock = hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d');
