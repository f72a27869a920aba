import { describe, expect, it } from 'vitest';
import { readSocksUdpHeader } from '#sidecar/protocols/socks-udp-header.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  dnsQuery,
  udpHeader4,
  udpHeader6,
  udpHeaderName,
} from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { seededRandom } from '#test/helpers/random.ts';

describe('the SOCKS 5 UDP request header (RFC 1928 §7)', () => {
  it('reads an IPv4, a named and an IPv6 destination, and where the data starts', () => {
    expect(readSocksUdpHeader(concat(udpHeader4([10, 0, 0, 53], 53), dnsQuery(1, 'a.b')))).toEqual({
      host: '10.0.0.53',
      port: 53,
      fragment: 0,
      size: 10,
    });
    expect(readSocksUdpHeader(udpHeaderName('dns.internal', 5353))).toEqual({
      host: 'dns.internal',
      port: 5353,
      fragment: 0,
      size: 7 + 'dns.internal'.length,
    });
    expect(readSocksUdpHeader(udpHeader6)).toMatchObject({
      host: '[2001:db8:0:0:0:0:0:53]',
      port: 53,
      size: 22,
    });
  });

  it('reads the fragment position as it is', () => {
    expect(readSocksUdpHeader(udpHeader4([10, 0, 0, 53], 53, 0x81))).toMatchObject({ fragment: 0x81 });
  });

  it('refuses non-zero reserved octets, an unknown address type, an empty name and port 0', () => {
    expect(readSocksUdpHeader(hex('0100 00 01 0a000035 0035'))).toBeUndefined();
    expect(readSocksUdpHeader(hex('0001 00 01 0a000035 0035'))).toBeUndefined();
    expect(readSocksUdpHeader(hex('0000 00 02 0a000035 0035'))).toBeUndefined();
    expect(readSocksUdpHeader(hex('0000 00 03 00 0035'))).toBeUndefined();
    expect(readSocksUdpHeader(hex('0000 00 01 0a000035 0000'))).toBeUndefined();
  });

  it('calls every true prefix of a header short', () => {
    const header = udpHeader4([10, 0, 0, 53], 53);
    for (let n = 0; n < header.length; n++) expect(readSocksUdpHeader(header.subarray(0, n))).toBe('short');
  });

  it('never throws on random or truncated input', () => {
    const random = seededRandom(0x50c5);
    for (let i = 0; i < 5000; i++) {
      const bytes = random.bytes(random.int(64));
      // Half start like a header, so the address readers are reached.
      if (i % 2 === 0 && bytes.length > 3) bytes.set([0, 0, random.int(2) === 0 ? 0 : random.int(256)]);
      for (const n of [bytes.length, random.int(bytes.length + 1)])
        expect(() => readSocksUdpHeader(bytes.subarray(0, n))).not.toThrow();
    }
  });
});
