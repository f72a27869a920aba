import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { TlsClientHelloEvent } from '#sidecar/events.ts';
import { quic } from '#sidecar/protocols/quic.ts';
import { initialKeys, openInitial, readLongHeader } from '#sidecar/protocols/quic-initial.ts';
import { concat, contractCheck, feed, hex, hexFixture } from '#test/fixtures/protocols/protocol-harness.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { udpExchange } from '../engine/conversation.ts';
import { cryptoFrame, sealInitial } from './quic-seal.ts';

// RFC 9001 Appendix A (and RFC 9369 Appendix A for version 2): one client connection ID, its keys, the client's
// first Initial packet and the server's.
const rfcDcid = hex('8394c8f03e515708');
const clientInitialV1 = hexFixture('quic-rfc9001-client-initial.hex');
const clientInitialV2 = hexFixture('quic-rfc9369-client-initial.hex');
const serverInitialV1 = hex(
  'cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee',
);
/** RFC 9001 A.2: the CRYPTO frame holding the ClientHello, before the PADDING that fills the packet. */
const rfcClientCrypto = hex(
  '060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578616d706c652e636f6dff01000100000a00080006001d0017001800100007000504616c706e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b0003020304000d0010000e0403050306030203080408050806002d00020101001c00024001003900320408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806048000ffff',
);
/** A ClientHello from Node's TLS stack (wire-samples: SNI api.example.com, ALPN h2 and http/1.1), record header off. */
const nodeHello = (
  wireSamples.find((s) => s.protocol === 'tls' && s.direction === 'to-server')?.bytes ?? hex('')
).subarray(5);
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const clientHellos = (events: unknown[]) =>
  (events as { kind: string }[]).filter((e): e is TlsClientHelloEvent => e.kind === 'tls-client-hello');

describe('quic Initial keys and packets (RFC 9001 Appendix A, RFC 9369 Appendix A)', () => {
  it('derives the client and server Initial keys of RFC 9001 A.1', () => {
    const client = initialKeys(1, rfcDcid, 'client');
    const server = initialKeys(1, rfcDcid, 'server');
    expect([client?.key, client?.iv, client?.hp].map((b) => hexOf(b ?? hex('')))).toEqual([
      '1f369613dd76d5467730efcbe3b1a22d',
      'fa044b2f42a3fd3b46fb255c',
      '9f50449e04a0e810283a1e9933adedd2',
    ]);
    expect([server?.key, server?.iv, server?.hp].map((b) => hexOf(b ?? hex('')))).toEqual([
      'cf3a5331653c364c88f0f379b6067e37',
      '0ac1493ca1905853b0bba03e',
      'c206b8d9b9f0f37644430b490eeaa314',
    ]);
  });

  it('reads the long headers of both sides', () => {
    expect(readLongHeader(clientInitialV1, 0)).toMatchObject({
      version: 1,
      type: 'initial',
      pnOffset: 18,
      end: 1200,
    });
    expect(readLongHeader(clientInitialV2, 0)).toMatchObject({
      version: 0x6b3343cf,
      type: 'initial',
      end: 1200,
    });
    const server = readLongHeader(serverInitialV1, 0);
    expect(server && [hexOf(server.dcid), hexOf(server.scid), server.end]).toEqual([
      '',
      'f067a5502a4262b5',
      135,
    ]);
  });

  it('the test sealer reproduces RFC 9001 A.2 octet for octet (so the packets below are built right)', () => {
    const sealed = sealInitial(rfcClientCrypto, {
      clientDcid: rfcDcid,
      dcid: rfcDcid,
      side: 'client',
      packetNumber: 2,
      padTo: 1162,
    });
    expect(hexOf(sealed)).toBe(hexOf(clientInitialV1));
  });
});

describe('quic detect', () => {
  it('matches a client Initial whose protection comes off (versions 1 and 2), and a server Initial by its header', () => {
    expect(quic.detect(clientInitialV1, 'to-server')).toBe('match');
    expect(quic.detect(clientInitialV2, 'to-server')).toBe('match');
    expect(quic.detect(serverInitialV1, 'to-client')).toBe('match');
  });

  it('does not match when one octet of the protected payload or tag is changed', () => {
    for (const at of [40, 600, 1199]) {
      const tampered = clientInitialV1.slice();
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(quic.detect(tampered, 'to-server')).toBe('no-match');
    }
  });

  it('opens a packet once when detection and then the parser read it, and never answers from a stale packet', () => {
    const header = readLongHeader(clientInitialV1, 0);
    const keys = header && initialKeys(header.version, header.dcid, 'client');
    if (header === undefined || keys === undefined) throw new Error('RFC 9001 A.2 packet did not parse');
    const first = openInitial(clientInitialV1, header, keys);
    expect(first).toBeDefined();
    // A copy of the same octets (the parser's view of the datagram): the remembered plaintext, not a second decryption.
    expect(openInitial(Uint8Array.from(clientInitialV1), header, keys)).toBe(first);
    const tampered = clientInitialV1.slice();
    tampered[700] = (tampered[700] ?? 0) ^ 0x01;
    expect(openInitial(tampered, header, keys)).toBeUndefined();
    expect(openInitial(clientInitialV1, header, keys)).toEqual(first);
  });

  it('does not match an unknown version, a short header, or any other protocol sample', () => {
    const unknownVersion = clientInitialV1.slice();
    unknownVersion[4] = 0x09;
    expect(quic.detect(unknownVersion, 'to-server')).toBe('no-match');
    expect(quic.detect(hex('4f00112233445566778899aabbccddeeff'), 'to-server')).toBe('no-match');
    for (const sample of wireSamples)
      expect(quic.detect(sample.bytes, sample.direction), sample.protocol).toBe('no-match');
  });

  it('passes the local contract check', () => {
    expect(contractCheck(quic, ['to-server', clientInitialV1]).randomMatches).toBe(0);
  });
});

describe('quic parser', () => {
  it('reads the ClientHello of RFC 9001 A.2 and the ServerHello of A.3', () => {
    const events = feed(quic, [
      ['to-server', clientInitialV1],
      ['to-client', serverInitialV1],
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'tls-client-hello',
        version: 'TLS1.3',
        sni: 'example.com',
        alpn: ['alpn'],
      }),
      expect.objectContaining({ kind: 'tls-server-hello', version: 'TLS1.3', cipherSuite: 0x1301 }),
    ]);
  });

  it('reads a version 2 Initial (RFC 9369 A.2)', () => {
    expect(clientHellos(feed(quic, [['to-server', clientInitialV2]]))[0]?.sni).toBe('example.com');
  });

  it('puts back a ClientHello split across two Initials that arrive out of order, with CRYPTO frames reversed', () => {
    const dcid = hex('0011223344556677');
    const half = Math.floor(nodeHello.length / 2);
    const seal = (payload: Uint8Array, packetNumber: number) =>
      sealInitial(payload, { clientDcid: dcid, dcid, side: 'client', packetNumber, padTo: 1100 });
    const second = seal(
      concat(
        cryptoFrame(nodeHello.subarray(half + 10), half + 10),
        cryptoFrame(nodeHello.subarray(half, half + 10), half),
      ),
      1,
    );
    const first = seal(cryptoFrame(nodeHello.subarray(0, half)), 0);
    const hellos = clientHellos(
      feed(quic, [
        ['to-server', second],
        ['to-server', first],
      ]),
    );
    expect(hellos.map((h) => [h.sni, h.alpn])).toEqual([['api.example.com', ['h2', 'http/1.1']]]);
  });

  it('reads an Initial coalesced with a 0-RTT packet after it, and a draft-29 Initial', () => {
    const dcid = hex('a1a2a3a4a5a6a7a8');
    const initial = sealInitial(cryptoFrame(nodeHello), {
      clientDcid: dcid,
      dcid,
      side: 'client',
      padTo: 600,
    });
    const zeroRtt = concat(hex('d1 00000001 08'), dcid, hex('00 4020'), new Uint8Array(32).fill(0x5a));
    expect(clientHellos(feed(quic, [['to-server', concat(initial, zeroRtt)]]))[0]?.sni).toBe(
      'api.example.com',
    );
    const draft = sealInitial(cryptoFrame(nodeHello), {
      version: 0xff00001d,
      clientDcid: dcid,
      dcid,
      side: 'client',
      padTo: 600,
    });
    expect(quic.detect(draft, 'to-server')).toBe('match');
    expect(clientHellos(feed(quic, [['to-server', draft]]))[0]?.sni).toBe('api.example.com');
  });

  it('gives nothing for a server Initial seen without the client’s, and never throws on cut packets', () => {
    expect(feed(quic, [['to-client', serverInitialV1]])).toEqual([]);
    const parser = quic.createParser();
    for (let n = 0; n <= clientInitialV1.length; n += 7) {
      expect(() => parser.parse(clientInitialV1.subarray(0, n), 'to-server', n)).not.toThrow();
    }
  });
});

describe('quic through the engine', () => {
  it('labels the UDP flow quic, encrypted, with the SNI and ALPN of its ClientHello, on any port', () => {
    const engine = createEngine({ observers: defaultObservers() });
    const endpoints = { client: '10.0.3.4', server: '10.0.9.9', clientPort: 50123, serverPort: 8443 };
    for (const record of udpExchange(endpoints, [
      { from: 'client', data: clientInitialV1 },
      { from: 'server', data: serverInitialV1 },
    ]))
      engine.push(record);
    const [flow] = splitFindings(engine.flush()).flows;
    expect(flow).toMatchObject({
      protocol: 'quic',
      transport: 'udp',
      encrypted: true,
      tls: { sni: 'example.com', alpn: ['alpn'] },
    });
  });
});

describe('quic under mutation', () => {
  it('a mutated Initial gives nothing: the AEAD tag covers header and payload', () => {
    let x = 0x9e3779b9;
    const next = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const seen = new Set<string>();
    let readable = 0;
    for (let n = 0; n < 3_000; n++) {
      const packet = clientInitialV1.slice();
      for (let flips = 1 + next(3); flips > 0; flips--) {
        const at = next(packet.length);
        packet[at] = (packet[at] ?? 0) ^ (1 << next(8));
      }
      const events = clientHellos(feed(quic, [['to-server', packet]]));
      for (const event of events) seen.add(event.sni ?? '(none)');
      readable += events.length;
      expect(events.length).toBeLessThanOrEqual(1);
    }
    // Every octet of an Initial is covered: the header as associated data, the rest by the tag. Only a packet whose
    // flips cancelled out (the same bit twice) could read, and then as the original; with this seed none does.
    expect([...seen]).toEqual([]);
    expect(readable).toBe(0);
  });
});

describe('quic against a flood of tiny CRYPTO frames', () => {
  it('gives up on a side past 256 held pieces instead of holding and sorting them all', () => {
    const dcid = hex('1122334455667788');
    const oneOctet = concat(...Array.from({ length: 300 }, () => cryptoFrame(Uint8Array.of(0x01), 1)));
    const flood = sealInitial(oneOctet, { clientDcid: dcid, dcid, side: 'client', padTo: 1100 });
    const hello = sealInitial(cryptoFrame(nodeHello), {
      clientDcid: dcid,
      dcid,
      side: 'client',
      packetNumber: 1,
      padTo: 600,
    });
    expect(clientHellos(feed(quic, [['to-server', hello]]))).toHaveLength(1);
    expect(
      clientHellos(
        feed(quic, [
          ['to-server', flood],
          ['to-server', hello],
        ]),
      ),
    ).toEqual([]);
  });
});
