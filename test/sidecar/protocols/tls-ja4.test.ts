import { describe, expect, it } from 'vitest';
import type { TlsClientHelloEvent } from '#sidecar/events.ts';
import { quic } from '#sidecar/protocols/quic.ts';
import { tls } from '#sidecar/protocols/tls.ts';
import { type ClientHello, ja3String, parseClientHello } from '#sidecar/protocols/tls-client-hello.ts';
import { ja4 } from '#sidecar/protocols/tls-ja4.ts';
import { feed, hexFixture } from '#test/fixtures/protocols/protocol-harness.ts';

const chromeRecord = hexFixture('ja4-chrome-client-hello.hex');
/** The ClientHello body: after the 5-octet record header and the 4-octet handshake header. */
const chrome = parseClientHello(chromeRecord.subarray(9)) as ClientHello;

const hello = (overrides: Partial<ClientHello>): ClientHello => ({
  legacyVersion: 0x0303,
  ciphers: [0x1301, 0x1302],
  extensions: [0x0000, 0x0010, 0x002b, 0x000d],
  groups: [],
  pointFormats: [],
  versions: [0x0304],
  signatureAlgorithms: [0x0403],
  sni: 'a.example',
  alpn: ['h2'],
  ...overrides,
});

describe('JA4', () => {
  it('gives the JA4 specification’s worked example for its Chrome ClientHello', () => {
    expect(ja4(chrome, 't')).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('is carried in the TLS parser’s ClientHello event', () => {
    const events = feed(tls, [['to-server', chromeRecord]]) as TlsClientHelloEvent[];
    const event = events.find((e) => e.kind === 'tls-client-hello');
    expect(event?.ja4).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(event?.sni).toBe('content-autofill.googleapis.com');
  });

  it('does not change when the client shuffles its extensions, where JA3 does', () => {
    const shuffled = { ...chrome, extensions: [...chrome.extensions].reverse() };
    expect(ja4(shuffled, 't')).toBe(ja4(chrome, 't'));
    expect(ja3String(shuffled)).not.toBe(ja3String(chrome));
  });

  it.each([
    [[], '00'],
    [['h2'], 'h2'],
    [['http/1.1', 'h2'], 'h1'],
    [['\u00ab\u00cd'], 'ad'],
    [['h3-29'], 'h9'],
  ])('ALPN %j gives %s', (alpn, code) => {
    expect(ja4(hello({ alpn }), 't').slice(8, 10)).toBe(code);
  });

  it('marks a hello without SNI, caps the counts at 99 and leaves GREASE out of them', () => {
    const { sni: _sni, ...withoutSni } = hello({ extensions: [0x0010, 0x002b] });
    expect(ja4(withoutSni, 't').slice(0, 4)).toBe('t13i');
    const many = Array.from({ length: 150 }, (_, i) => 0x0100 + i);
    expect(ja4(hello({ ciphers: [0x0a0a, ...many] }), 't').slice(4, 6)).toBe('99');
    expect(
      ja4(hello({ ciphers: [0x0a0a, 0x1301], extensions: [0x1a1a, 0x0000, 0x002b] }), 't').slice(0, 8),
    ).toBe('t13d0102');
  });

  it('uses zeros for an empty cipher or extension list, and no underscore without signature algorithms', () => {
    expect(ja4(hello({ ciphers: [], extensions: [0x0000, 0x0010] }), 't')).toMatch(
      /^t13d0002h2_000000000000_000000000000$/,
    );
    const without = ja4(hello({ signatureAlgorithms: [] }), 't');
    const withSigs = ja4(hello({}), 't');
    expect(without.slice(-12)).not.toBe(withSigs.slice(-12));
  });

  it('starts with q for a QUIC ClientHello (RFC 9001 A.2: two ciphers, eleven extensions, ALPN "alpn")', () => {
    const [event] = feed(quic, [
      ['to-server', hexFixture('quic-rfc9001-client-initial.hex')],
    ]) as TlsClientHelloEvent[];
    expect(event?.ja4).toMatch(/^q13d0211an_[0-9a-f]{12}_[0-9a-f]{12}$/);
  });
});
