import { describe, expect, it } from 'vitest';
import { dcerpcLittleEndian } from '#sidecar/protocols/dcerpc-byte-order.ts';
import { dcerpcBindOf, dcerpcRequest } from '#test/fixtures/protocols/smb-messages.ts';

describe('dcerpcLittleEndian', () => {
  it("reads the integer representation from the data representation's high nibble (C706 §14.2.5)", () => {
    expect(dcerpcLittleEndian(dcerpcRequest(13), 0)).toBe(true);
    expect(dcerpcLittleEndian(dcerpcBindOf(['367abb81-9844-35f1-ad32-98f038001003'], true), 0)).toBe(false);
    const pdu = dcerpcRequest(13);
    pdu[4] = 0x01; // ASCII is 0 and EBCDIC 1 in the low nibble: the character set, not the byte order
    expect(dcerpcLittleEndian(pdu, 0)).toBe(false);
    pdu[4] = 0x20;
    expect(dcerpcLittleEndian(pdu, 0)).toBe(true);
  });

  it('reads the header of a PDU that starts part-way into the bytes', () => {
    const pdu = dcerpcRequest(13);
    const shifted = new Uint8Array(3 + pdu.length);
    shifted.set(pdu, 3);
    expect(dcerpcLittleEndian(shifted, 3)).toBe(true);
    expect(dcerpcLittleEndian(shifted, 0)).toBe(false);
  });
});
