import { describe, expect, it } from 'vitest';
import { readKerberosAnswer } from '#sidecar/protocols/kerberos-answer.ts';
import { prng, randomBytes } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  kerberosAnswer,
  kerberosBlob,
  spnegoAccept,
  spnegoResponse,
} from '#test/fixtures/protocols/smb-messages.ts';

const read = (b: Uint8Array) => readKerberosAnswer(b, 0, b.length);

describe('the Kerberos answer in a server security blob', () => {
  it('reads an AP-REP, a KRB-ERROR with its code, and nothing from other tokens', () => {
    expect(read(kerberosAnswer(0))).toEqual({ apRep: true });
    expect(read(kerberosAnswer(2, 37))).toEqual({ error: 37 });
    expect(read(spnegoAccept())).toBeUndefined();
    expect(
      read(spnegoResponse(Uint8Array.from(Buffer.from('NTLMSSP\0\u0002\0\0\0', 'latin1')))),
    ).toBeUndefined();
    // A client's AP-REQ is not an answer.
    expect(read(kerberosBlob())).toBeUndefined();
  });

  it('gives nothing for a KRB-ERROR cut short, a blob past the buffer, or random octets, and never throws', () => {
    const error = kerberosAnswer(2, 37);
    for (let cut = 0; cut < error.length; cut++) expect(read(error.subarray(0, cut))).toBeUndefined();
    expect(readKerberosAnswer(error, 10, 5)).toBeUndefined();
    expect(readKerberosAnswer(error, -1, 4096)).toBeUndefined();
    const next = prng(9);
    for (let i = 0; i < 2000; i++) read(randomBytes(next, Math.floor(next() * 200)));
  });
});
