import { describe, expect, it } from 'vitest';
import { operationName, requestOpnum } from '#sidecar/protocols/dcerpc-request.ts';
import { dcerpcBind, dcerpcRequest } from '#test/fixtures/protocols/smb-messages.ts';

const at = (pdu: Uint8Array) => requestOpnum(pdu, 0, pdu.length);

describe('DCE/RPC requests', () => {
  it("reads a request's operation number in the PDU's byte order (C706 §14.2.5)", () => {
    expect(at(dcerpcRequest(13))).toBe(13);
    const big = dcerpcRequest(0x0102);
    big[4] = 0x00; // big-endian NDR: the same octets read the other way
    big.set([0, 44], 8); // frag_length 44, big-endian
    expect(at(big)).toBe(0x0201);
  });

  it('refuses what is no request: a bind, another version, a fragment shorter than its header, a cut PDU', () => {
    expect(at(dcerpcBind('12345778-1234-abcd-ef00-0123456789ac'))).toBeUndefined();
    const v4 = dcerpcRequest(13);
    v4[0] = 4;
    expect(at(v4)).toBeUndefined();
    const short = dcerpcRequest(13);
    short.set([16, 0], 8);
    expect(at(short)).toBeUndefined();
    expect(at(dcerpcRequest(13).subarray(0, 23))).toBeUndefined();
    expect(requestOpnum(dcerpcRequest(13), 0, 4096)).toBeUndefined();
  });

  it('names operations by interface, and numbers the others', () => {
    expect(operationName('samr', 13)).toBe('SamrEnumerateUsersInDomain');
    expect(operationName('lsarpc', 15)).toBe('LsarLookupSids');
    expect(operationName('srvsvc', 15)).toBe('NetrShareEnum');
    expect(operationName('srvsvc', 12)).toBe('NetrSessionEnum');
    expect(operationName('svcctl', 12)).toBe('RCreateServiceW');
    expect(operationName('samr', 99)).toBe('opnum 99');
    expect(operationName('1ff70682-0000-0000-0000-000000000000', 1)).toBe('opnum 1');
  });
});
