/** The byte order of a DCE/RPC PDU's integers, the same for every PDU type: its header's data representation. */

/**
 * Whether the PDU at `b[at]` is little-endian: the data representation's first octet (at 4) holds the integer
 * representation in its high nibble, 0 for big-endian and anything else for little-endian (C706 §14.2.5); the caller
 * has checked that the header is there.
 */
export const dcerpcLittleEndian = (b: Uint8Array, at: number): boolean =>
  ((b[at + 4] as number) & 0xf0) !== 0;
