/** The PROXY header reader (HAProxy's proxy-protocol.txt, versions 1 and 2), from the specification's own forms. */
import { describe, expect, it } from 'vitest';
import { readProxyHeader } from '#sidecar/engine/proxy-header.ts';
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { seededRandom } from '#test/helpers/random.ts';

/** §2.2: the twelve-octet signature of version 2. */
const v2Signature = '0d0a0d0a000d0a515549540a';
const u16 = (n: number): string => n.toString(16).padStart(4, '0');
const tlv = (type: number, value: Uint8Array): Uint8Array =>
  concat(hex(`${type.toString(16).padStart(2, '0')} ${u16(value.length)}`), value);

/** A version 2 header: command (0 LOCAL, 1 PROXY), family/transport octet, the address block, TLVs. */
const v2 = (command: number, family: number, addresses: Uint8Array, ...tlvs: Uint8Array[]): Uint8Array => {
  const rest = concat(addresses, ...tlvs);
  return concat(
    hex(
      `${v2Signature} ${(0x20 | command).toString(16)} ${family.toString(16).padStart(2, '0')} ${u16(rest.length)}`,
    ),
    rest,
  );
};

/** 203.0.113.9:51234 → 10.0.0.2:8080 (§2.2: source address, destination address, source port, destination port). */
const inet4 = hex('cb007109 0a000002 c822 1f90');

describe('PROXY header, version 1 (§2.1)', () => {
  it('reads the specification example and says where the header ends', () => {
    const bytes = ascii('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n\r\n');
    expect(readProxyHeader(bytes)).toEqual({
      kind: 'header',
      length: 47,
      header: {
        version: 1,
        command: 'proxy',
        transport: 'tcp',
        client: { ip: '192.168.0.1', port: 56324 },
        server: { ip: '192.168.0.11', port: 443 },
      },
    });
  });

  it('reads TCP6 and UNKNOWN (whose addresses are ignored)', () => {
    const six = readProxyHeader(ascii('PROXY TCP6 2001:db8::1 ::1 1 65535\r\n'));
    expect(six).toMatchObject({
      kind: 'header',
      header: { client: { ip: '2001:db8::1', port: 1 }, server: { ip: '::1', port: 65535 } },
    });
    expect(readProxyHeader(ascii('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'))).toEqual({
      kind: 'header',
      length: 35,
      header: { version: 1, command: 'proxy', transport: 'unknown' },
    });
  });

  it('writes each address one way (canonicalAddress): an IPv4-mapped client is its IPv4 address, in v1 and v2', () => {
    const v1 = readProxyHeader(ascii('PROXY TCP6 ::FFFF:203.0.113.9 2001:DB8:0:0::2 51234 8080\r\n'));
    expect(v1).toMatchObject({
      header: { client: { ip: '203.0.113.9', port: 51234 }, server: { ip: '2001:db8::2', port: 8080 } },
    });
    // AF_INET6 (0x21): ::ffff:cb00:7109 → 2001:db8::2, ports 51234 and 8080.
    const mapped = hex('00000000 00000000 0000ffff cb007109 20010db8 00000000 00000000 00000002 c822 1f90');
    expect(readProxyHeader(v2(1, 0x21, mapped))).toMatchObject({
      header: { client: { ip: '203.0.113.9', port: 51234 }, server: { ip: '2001:db8::2', port: 8080 } },
    });
  });

  it('waits for the rest of a header, at most 107 octets', () => {
    expect(readProxyHeader(ascii('PRO'))).toEqual({ kind: 'need-more', upTo: 107 });
    expect(readProxyHeader(ascii('PROXY TCP4 192.168.0.1 19'))).toEqual({ kind: 'need-more', upTo: 107 });
    expect(readProxyHeader(ascii(`PROXY TCP4 ${'1'.repeat(120)}`))).toMatchObject({ kind: 'malformed' });
  });

  it('takes a header that breaks its rules as malformed, naming the rule', () => {
    const cases: [string, RegExp][] = [
      ['PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n', /without CR/],
      ['PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n', /unknown family TCP5/],
      ['PROXY TCP4 192.168.0.300 192.168.0.11 56324 443\r\n', /bad TCP4 addresses/],
      ['PROXY TCP4 2001:db8::1 192.168.0.11 56324 443\r\n', /bad TCP4 addresses/],
      ['PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n', /bad ports/],
      ['PROXY TCP4 192.168.0.1 192.168.0.11 0443 443\r\n', /bad ports/],
      ['PROXY TCP4 192.168.0.1 192.168.0.11 1 2 3\r\n', /bad TCP4 addresses/],
    ];
    for (const [text, reason] of cases) {
      const read = readProxyHeader(ascii(text));
      expect(read.kind, text).toBe('malformed');
      expect(read.kind === 'malformed' && read.reason, text).toMatch(reason);
    }
  });

  it('leaves other bytes alone at their first octet', () => {
    for (const text of [
      'GET / HTTP/1.1\r\n',
      'POST / HTTP/1.1\r\n',
      'PROXZ',
      'PRI * HTTP/2.0\r\n',
      'PUT /x HTTP/1.1',
    ])
      expect(readProxyHeader(ascii(text)), text).toEqual({ kind: 'none' });
    expect(readProxyHeader(hex('160301'))).toEqual({ kind: 'none' });
    expect(readProxyHeader(hex('0d0a0d0a00 0d0a 5151'))).toEqual({ kind: 'none' });
  });
});

describe('PROXY header, version 2 (§2.2)', () => {
  it('reads an IPv4 TCP header and stops where its length says', () => {
    const header = v2(1, 0x11, inet4);
    expect(readProxyHeader(concat(header, ascii('GET / HTTP/1.1\r\n')))).toEqual({
      kind: 'header',
      length: 28,
      header: {
        version: 2,
        command: 'proxy',
        transport: 'tcp',
        client: { ip: '203.0.113.9', port: 51234 },
        server: { ip: '10.0.0.2', port: 8080 },
      },
    });
  });

  it('reads an IPv6 UDP header', () => {
    const addresses = hex(`20010db8000000000000000000000001 ${'00'.repeat(15)}01 0035 0036`);
    expect(readProxyHeader(v2(1, 0x22, addresses))).toMatchObject({
      kind: 'header',
      length: 52,
      header: { transport: 'udp', client: { ip: '2001:db8::1', port: 53 }, server: { ip: '::1', port: 54 } },
    });
  });

  it('names no client for LOCAL (a health check) or a Unix socket', () => {
    const local = readProxyHeader(v2(0, 0x11, inet4));
    expect(local).toEqual({
      kind: 'header',
      length: 28,
      header: { version: 2, command: 'local', transport: 'tcp' },
    });
    const unix = readProxyHeader(v2(1, 0x31, new Uint8Array(216)));
    expect(unix).toEqual({
      kind: 'header',
      length: 232,
      header: { version: 2, command: 'proxy', transport: 'unix' },
    });
    expect(readProxyHeader(v2(0, 0x00, new Uint8Array(0)))).toMatchObject({ kind: 'header', length: 16 });
  });

  it('reads the TLVs a balancer adds: ALPN, authority, unique id, SSL and its sub-TLVs, an AWS VPC endpoint', () => {
    const ssl = concat(
      hex('07 00000000'), // PP2_CLIENT_SSL | CERT_CONN | CERT_SESS, verify 0 (§2.2.5)
      tlv(0x21, ascii('TLSv1.3')),
      tlv(0x22, ascii('alice.example')),
      tlv(0x23, ascii('TLS_AES_256_GCM_SHA384')),
      tlv(0x25, ascii('RSA2048')),
    );
    const header = v2(
      1,
      0x11,
      inet4,
      tlv(0x01, ascii('h2')),
      tlv(0x02, ascii('shop.example.com')),
      tlv(0x05, hex('00112233')),
      tlv(0x04, new Uint8Array(3)),
      tlv(0x20, ssl),
      tlv(0xea, concat(hex('01'), ascii('vpce-08d2bf15fac5001c9'))),
      tlv(0x03, hex('00000000')),
    );
    const read = readProxyHeader(header);
    expect(read).toMatchObject({
      kind: 'header',
      length: header.length,
      header: {
        alpn: 'h2',
        authority: 'shop.example.com',
        uniqueId: '00112233',
        tls: {
          version: 'TLSv1.3',
          commonName: 'alice.example',
          cipher: 'TLS_AES_256_GCM_SHA384',
          clientCertificate: true,
          verified: true,
        },
        awsVpcEndpoint: 'vpce-08d2bf15fac5001c9',
      },
    });
  });

  it('says an unverified client certificate is not verified', () => {
    const read = readProxyHeader(v2(1, 0x11, inet4, tlv(0x20, hex('03 00000001'))));
    expect(read).toMatchObject({ header: { tls: { clientCertificate: true, verified: false } } });
  });

  it('waits for the fixed part, then for the length it gives', () => {
    const header = v2(1, 0x11, inet4, tlv(0x02, ascii('shop')));
    expect(readProxyHeader(header.subarray(0, 5))).toEqual({ kind: 'need-more', upTo: 16 });
    expect(readProxyHeader(header.subarray(0, 15))).toEqual({ kind: 'need-more', upTo: 16 });
    expect(readProxyHeader(header.subarray(0, 30))).toEqual({ kind: 'need-more', upTo: header.length });
  });

  it('takes a header that breaks its rules as malformed', () => {
    const cases: [Uint8Array, RegExp][] = [
      [hex(`${v2Signature} 31 11 000c`), /version 3/],
      [hex(`${v2Signature} 22 11 000c`), /command 2/],
      [hex(`${v2Signature} 21 11 2000`), /header of 8208 octets/],
      [v2(1, 0x41, new Uint8Array(12)), /family 0x41/],
      [v2(1, 0x13, inet4), /family 0x13/],
      [v2(1, 0x21, inet4), /addresses longer/],
      [v2(1, 0x11, inet4, hex('02 0010 41')), /TLV 0x2 past the header/],
      [v2(1, 0x11, inet4, hex('02 00')), /truncated TLV/],
      [v2(1, 0x11, inet4, tlv(0x20, hex('01 0000'))), /shorter than 5/],
      [v2(1, 0x11, inet4, tlv(0x20, hex('01 00000000 21 0009 41'))), /sub-TLV past/],
    ];
    for (const [bytes, reason] of cases) {
      const read = readProxyHeader(bytes);
      expect(read.kind === 'malformed' && read.reason).toMatch(reason);
    }
  });

  it('never throws on random or mutated bytes, and never claims more octets than it was given', () => {
    const random = seededRandom(25);
    const base = v2(
      1,
      0x11,
      inet4,
      tlv(0x02, ascii('shop.example.com')),
      tlv(0x20, hex('01 00000000 2100 0354 4c53')),
    );
    for (let i = 0; i < 20_000; i++) {
      const bytes = i % 2 === 0 ? concat(hex(v2Signature), random.bytes(i % 300)) : Uint8Array.from(base);
      if (i % 2 === 1)
        for (let k = 0; k < 3; k++) bytes[12 + random.int(bytes.length - 12)] = random.int(256);
      const read = readProxyHeader(bytes);
      if (read.kind === 'header') expect(read.length).toBeLessThanOrEqual(bytes.length);
    }
  });
});
