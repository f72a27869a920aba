import { describe, expect, it } from 'vitest';
import { bindInterface } from '#sidecar/protocols/dcerpc-bind.ts';
import { dcerpcBind, dcerpcBindOf } from '#test/fixtures/protocols/smb-messages.ts';

const svcctl = '367abb81-9844-35f1-ad32-98f038001003';
const unnamed = '11111111-2222-3333-4444-555555555555';
const at = (pdu: Uint8Array) => bindInterface(pdu, 0, pdu.length);

describe('bindInterface', () => {
  it('names the interface of a bind, or gives its UUID', () => {
    expect(at(dcerpcBind(svcctl))).toBe('svcctl');
    expect(at(dcerpcBind(unnamed))).toBe(unnamed);
  });

  it('reads the UUID in the data representation the PDU declares (big-endian NDR, C706 §14.2.5)', () => {
    expect(at(dcerpcBindOf([svcctl], true))).toBe('svcctl');
    expect(at(dcerpcBindOf([unnamed], true))).toBe(unnamed);
  });

  it('names an interface offered in a later presentation context, not only the first', () => {
    expect(at(dcerpcBindOf([unnamed, svcctl]))).toBe('svcctl');
    expect(at(dcerpcBindOf([unnamed, unnamed]))).toBe(unnamed);
  });

  it('stops at a context count past the PDU, and refuses what is no bind', () => {
    const lying = dcerpcBindOf([unnamed]);
    lying[24] = 255;
    expect(at(lying)).toBe(unnamed);
    expect(at(dcerpcBindOf([svcctl]).subarray(0, 51))).toBeUndefined();
    const response = dcerpcBind(svcctl);
    response[2] = 12;
    expect(at(response)).toBeUndefined();
  });
});
