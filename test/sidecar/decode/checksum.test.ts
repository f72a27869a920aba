/** Internet checksums and the verdict on a captured TCP checksum (sidecar/decode/checksum.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, tcpChecksum, wordSum } from '#sidecar/decode/checksum.ts';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';
import { badTcpChecksum, hex, sealed, tcp4Frame } from './build-frame.ts';

const verdictOf = (frame: Uint8Array, capturedLength = frame.length) => {
  const decoder = createPacketDecoder();
  const data = frame.subarray(0, capturedLength);
  expect(decoder.decode({ ts: 1, linkType: 1, data, originalLength: frame.length, offset: 0 })).toBe('ok');
  return tcpChecksum(decoder.packet);
};

const frame = (payload: string) =>
  tcp4Frame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, seq: 7, payload });

describe('internet checksum (RFC 1071)', () => {
  it('sums 16-bit words with end-around carry, an odd last octet padded, like the plain definition', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.nat(0x3ffff), (bytes, start) => {
        let plain = start;
        for (let i = 0; i < bytes.length; i += 2) plain += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
        expect(fold(wordSum(bytes, 0, bytes.length, start))).toBe(
          plain % 0xffff || (plain === 0 ? 0 : 0xffff),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('sums the same over any range of a view that starts anywhere in its buffer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.nat(7),
        fc.nat(3000),
        fc.nat(3000),
        (backing, skip, a, b) => {
          const bytes = backing.subarray(Math.min(skip, backing.length));
          const start = Math.min(a, b, bytes.length);
          const end = Math.min(Math.max(a, b), bytes.length);
          let plain = 0;
          for (let i = start; i < end; i += 2)
            plain += ((bytes[i] ?? 0) << 8) | (i + 1 < end ? (bytes[i + 1] ?? 0) : 0);
          expect(fold(wordSum(bytes, start, end, 0))).toBe(fold(plain));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
    expect(fold(wordSum(hex('0001f203f4f5f6f7'), 0, 8, 0))).toBe(0xddf2);
  });
});

describe('the verdict on a captured TCP checksum', () => {
  it('is valid for a segment a sender finished, odd length included', () => {
    expect(verdictOf(sealed(frame('GET / HTTP/1.1\r\n\r\n!')))).toBe('valid');
    expect(verdictOf(sealed(frame('')))).toBe('valid');
  });

  it('is valid for an IPv6 segment (pseudo-header of RFC 8200 section 8.1; sum computed outside this code)', () => {
    const v6 = hex(`00112233445566778899aabb86dd 6000000000270640
      fd000000000000000000000000000001 fd000000000000000000000000000002
      9c400050000003e8000000015018ffff159b0000 474554202f20485454502f312e310d0a0d0a21`);
    expect(verdictOf(v6)).toBe('valid');
    const changed = Uint8Array.from(v6);
    changed[changed.length - 1] = 0x22;
    expect(verdictOf(changed)).toBe('bad');
  });

  it('is offloaded for the pseudo-header sum a stack leaves to checksum offload (loopback, veth captures)', () => {
    expect(verdictOf(sealed(frame('hello')))).toBe('valid');
    expect(verdictOf(sealed(frame('hello'), { offloaded: true }))).toBe('offloaded');
  });

  it('is bad for a wrong TCP checksum, for a zero one, and for a wrong IPv4 header checksum', () => {
    expect(verdictOf(badTcpChecksum(frame('hello')))).toBe('bad');
    expect(verdictOf(frame('hello'))).toBe('bad');
    const header = sealed(frame('hello'));
    header[14 + 8] = 1; // TTL changed after the header checksum was computed
    expect(verdictOf(header)).toBe('bad');
  });

  it('is unknown when the snap length cut the segment', () => {
    const whole = sealed(frame('a longer payload than the snap length keeps'));
    expect(verdictOf(whole, whole.length - 10)).toBe('unknown');
  });
});
