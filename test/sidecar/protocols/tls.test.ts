import type nodeTls from 'node:tls';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import type { TlsClientHelloEvent } from '#sidecar/events.ts';
import { tls } from '#sidecar/protocols/tls.ts';
import {
  concat,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';
import { recordTlsConnection } from './tls-recording.ts';

const u16 = (n: number): string => n.toString(16).padStart(4, '0');
const u24 = (n: number): string => n.toString(16).padStart(6, '0');

/** Wraps a handshake body: record header (RFC 8446 §5.1) and handshake header (§4). */
const handshakeRecord = (type: number, body: Uint8Array, recordVersion = '0301'): Uint8Array =>
  concat(
    hex(
      `16 ${recordVersion} ${u16(body.length + 4)} ${type.toString(16).padStart(2, '0')} ${u24(body.length)}`,
    ),
    body,
  );

const extension = (type: number, data: string): string => `${u16(type)} ${u16(hex(data).length)} ${data}`;

/** A ClientHello built by hand (RFC 8446 §4.1.2) with GREASE values (RFC 8701) in ciphers, extensions, groups. */
const clientHelloBody = (() => {
  const extensions = [
    extension(0x0a0a, ''), // GREASE extension
    extension(0, `000e 00 000b ${Buffer.from('example.com').toString('hex')}`), // RFC 6066 §3 server_name
    extension(10, '0006 1a1a 001d 0017'), // RFC 8422 §5.1.1 supported_groups: GREASE, x25519, secp256r1
    extension(11, '01 00'), // RFC 8422 §5.1.2 ec_point_formats: uncompressed
    extension(16, `000c 02 6832 08 ${Buffer.from('http/1.1').toString('hex')}`), // RFC 7301 ALPN: h2, http/1.1
    extension(43, '06 2a2a 0304 0303'), // RFC 8446 §4.2.1 supported_versions: GREASE, 1.3, 1.2
  ].join(' ');
  return hex(
    `0303 ${'00'.repeat(32)} 00 0006 0a0a 1301 c02f 01 00 ${u16(hex(extensions).length)} ${extensions}`,
  );
})();
const clientHello = handshakeRecord(1, clientHelloBody);

/** ServerHello (§4.1.3): TLS_AES_128_GCM_SHA256, supported_versions selecting TLS 1.3. */
const serverHello = handshakeRecord(
  2,
  hex(`0303 ${'11'.repeat(32)} 20 ${'22'.repeat(32)} 1301 00 0006 ${extension(43, '0304')}`),
  '0303',
);

describe('tls detect', () => {
  it('matches a ClientHello and a ServerHello from their first 11 octets', () => {
    expect(tls.detect(clientHello, 'to-server')).toBe('match');
    expect(tls.detect(clientHello.subarray(0, 11), 'to-server')).toBe('match');
    expect(tls.detect(serverHello, 'to-client')).toBe('match');
    expect(tls.detect(clientHello.subarray(0, 6), 'to-server')).toBe('need-more');
    expect(tls.detect(hex('16'), 'to-client')).toBe('need-more');
  });

  it('matches an SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2)', () => {
    expect(tls.detect(sslv2Hello, 'to-server')).toBe('match');
  });

  it('matches streams picked up mid-connection when record lengths tile the bytes', () => {
    const appData = hex(`17 0303 0004 deadbeef 17 0303 0002 cafe`);
    expect(tls.detect(appData, 'to-client')).toBe('match');
    expect(tls.detect(appData.subarray(0, 7), 'to-server')).toBe('need-more');
    expect(tls.detect(hex('17 0303 0004 deadbeef 99 0303 0002 cafe'), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(tls, ['tls-esni', 'tls-alert', 'tls-rdn', 'http-connect']);
});

/** SSL 2.0 CLIENT-HELLO: length 0x22, type 1, version 0x0002, 3 cipher specs, no session id, 16-octet challenge. */
const sslv2Hello = hex(`8022 01 0002 0009 0000 0010 010080 060040 0700c0 ${'ab'.repeat(16)}`);

describe('tls parser', () => {
  const handshake: Segment[] = [
    ['to-server', clientHello],
    ['to-client', concat(serverHello, hex('14 0303 0001 01'), hex('17 0303 0005 0102030405'))],
  ];

  it('reads SNI, ALPN, the highest supported version and JA3 without GREASE', () => {
    const [record, hello] = feed(tls, handshake);
    expect(record).toMatchObject({
      kind: 'tls-record',
      contentType: 22,
      version: 'TLS1.0',
      length: clientHelloBody.length + 4,
    });
    expect(hello).toEqual({
      kind: 'tls-client-hello',
      direction: 'to-server',
      version: 'TLS1.3',
      recordVersion: 'TLS1.0',
      sni: 'example.com',
      alpn: ['h2', 'http/1.1'],
      ja3: '771,4865-49199,0-10-11-16-43,29-23,0',
      // md5sum of the JA3 string (coreutils), computed outside the code under test.
      ja3Hash: 'ba56e367277299892e1a86aefd53de70',
      // JA4: sha256sum (coreutils) of "1301,c02f" and of "000a,000b,002b" (no signature algorithms: no underscore).
      ja4: 't13d0205h2_c1929292aa6b_675b29d69375',
    });
  });

  it('reads the ServerHello version from supported_versions, and records until encryption starts', () => {
    const events = feed(tls, handshake).filter((e) => (e as { direction: string }).direction === 'to-client');
    expect(events).toEqual([
      {
        kind: 'tls-record',
        direction: 'to-client',
        contentType: 22,
        version: 'TLS1.2',
        length: serverHello.length - 5,
      },
      {
        kind: 'tls-server-hello',
        direction: 'to-client',
        version: 'TLS1.3',
        cipherSuite: 0x1301,
        // JA3S: legacy version 0x0303, cipher 0x1301, the one extension (43); MD5 by coreutils' md5sum.
        ja3s: '771,4865,43',
        ja3sHash: 'cce84e7a8b742462e40afb585a3e3ccc',
      },
      { kind: 'tls-record', direction: 'to-client', contentType: 20, version: 'TLS1.2', length: 1 },
    ]);
  });

  it('reports the declared payload length of heartbeat requests (RFC 6520 §4, Heartbleed)', () => {
    const events = feed(tls, [['to-server', concat(clientHello, hex('18 0302 0003 01 4000'))]]);
    expect(events[2]).toEqual({
      kind: 'tls-record',
      direction: 'to-server',
      contentType: 24,
      version: 'TLS1.1',
      length: 3,
      heartbeatPayloadLength: 0x4000,
    });
  });

  it('reassembles a ClientHello split over two records', () => {
    const body = concat(hex(`01 ${u24(clientHelloBody.length)}`), clientHelloBody);
    const first = body.subarray(0, 40);
    const rest = body.subarray(40);
    const events = feed(tls, [
      [
        'to-server',
        concat(hex(`16 0301 ${u16(first.length)}`), first, hex(`16 0301 ${u16(rest.length)}`), rest),
      ],
    ]);
    expect(events.map((e) => (e as { kind: string }).kind)).toEqual([
      'tls-record',
      'tls-record',
      'tls-client-hello',
    ]);
  });

  it('parses an SSL 2.0-compatible ClientHello (3-octet cipher specs in JA3)', () => {
    expect(feed(tls, [['to-server', sslv2Hello]])).toMatchObject([
      {
        kind: 'tls-client-hello',
        version: 'SSL2.0',
        recordVersion: 'SSL2.0',
        ja3: '2,65664-393280-458944,,,',
      },
    ]);
    expect((feed(tls, [['to-server', sslv2Hello]])[0] as TlsClientHelloEvent).ja3Hash).toBe(
      'b3f9a88392d12a2ca4f1a62176523f2e',
    );
  });

  it('keeps its own copy of a split SSL 2.0 hello: the chunk is reused after the call', () => {
    const parser = tls.createParser();
    const first = sslv2Hello.slice(0, 20);
    expect(parser.parse(first, 'to-server', 0)).toEqual([]);
    first.fill(0xee);
    expect(parser.parse(sslv2Hello.slice(20), 'to-server', 1)).toMatchObject([
      { kind: 'tls-client-hello', version: 'SSL2.0', ja3: '2,65664-393280-458944,,,' },
    ]);
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(tls, handshake).mismatch).toBeUndefined();
  });

  it('stops on an invalid record header and after a gap, without throwing', () => {
    expect(feed(tls, [['to-server', concat(hex('63 0303 0001 00'), clientHello)]])).toEqual([]);
    const parser = tls.createParser();
    parser.gap('to-server');
    expect(parser.parse(clientHello, 'to-server', 1)).toEqual([]);
  });

  it('decodes nDPI captures: ESNI and SNI together, a server alert, a mid-stream encrypted alert', () => {
    const [esni] = ndpiFlows('tls-esni');
    expect(esni && detectFlow(tls, esni.segments)).toBe(true);
    expect(feed(tls, esni?.segments ?? [])[1]).toMatchObject({
      kind: 'tls-client-hello',
      sni: 'these-are-not-the-droids-youre-looking-for.com',
      ja3: '771,4867-4865-4866,0-65486-5-10-11-13-50-65281-18-51-43,29-23-24-25,0',
    });
    const [alert, midStream] = ndpiFlows('tls-alert');
    expect(feed(tls, alert?.segments ?? [])[2]).toMatchObject({
      kind: 'tls-record',
      contentType: 21,
      length: 2,
    });
    expect(midStream && detectFlow(tls, midStream.segments)).toBe(true);
  });

  it('stays in frame across a loss of known length inside a record, and reads the heartbeat after it (ADR 34)', () => {
    const record = (type: number, length: number) =>
      concat(hex(`${type.toString(16)} 0303 ${u16(length)}`), new Uint8Array(length));
    const data = record(23, 10_000);
    const parser = tls.createParser();
    expect(parser.parse(data.subarray(0, 3000), 'to-server', 1)).toEqual([]);
    parser.gap('to-server', 2000);
    const after = parser.parse(concat(data.subarray(5000), record(24, 19)), 'to-server', 2);
    expect(after).toMatchObject([{ kind: 'tls-record', contentType: 24, length: 19 }]);
    // A loss past the record stops the side: where the next record starts is not known.
    const stopped = tls.createParser();
    stopped.parse(data.subarray(0, 3000), 'to-server', 1);
    stopped.gap('to-server', 7006);
    expect(stopped.parse(record(24, 19), 'to-server', 2)).toEqual([]);
  });

  it('skips a loss inside a plaintext handshake record: later records are read, handshake messages no more', () => {
    // A certificate chain spans records; before, one lost segment of it made the side blind, heartbeats included.
    const parser = tls.createParser();
    expect(parser.parse(clientHello.subarray(0, 20), 'to-server', 1)).toEqual([]);
    parser.gap('to-server', 5);
    const heartbeat = concat(hex('18 0303 0003'), hex('01 4000'));
    const after = parser.parse(concat(clientHello.subarray(25), heartbeat, clientHello), 'to-server', 2);
    // The heartbeat is read and its claimed payload length told; the cut hello, and the next (its messages may now
    // start anywhere), are not read as handshake messages.
    expect(after).toEqual([
      {
        kind: 'tls-record',
        ts: 2,
        direction: 'to-server',
        contentType: 24,
        version: 'TLS1.2',
        length: 3,
        heartbeatPayloadLength: 0x4000,
      },
      {
        kind: 'tls-record',
        ts: 2,
        direction: 'to-server',
        contentType: 22,
        version: 'TLS1.0',
        length: clientHello.length - 5,
      },
    ]);
    // The other side is not touched.
    expect(parser.parse(clientHello, 'to-client', 3).map((e) => e.kind)).toEqual([
      'tls-record',
      'tls-client-hello',
    ]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(tls, 3, 0x8e30)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(tls, ['to-server', clientHello]).randomMatches).toBe(0);
  });
});

/** One TLS connection through the recorder; returns the events parsed from the recorded bytes. */
const realHandshake = async (
  maxVersion: nodeTls.SecureVersion,
): Promise<{ detected: boolean; events: unknown[] }> => {
  const pems = await generate([{ name: 'commonName', value: 'api.shop.local' }], { keySize: 2048 });
  const chunks = await recordTlsConnection(
    { key: pems.private, cert: pems.cert, ALPNProtocols: ['h2', 'http/1.1'] },
    { ALPNProtocols: ['h2'], maxVersion },
  );
  const segments = chunks.map((c): Segment => [c.direction, c.bytes]);
  return { detected: detectFlow(tls, segments), events: feed(tls, segments) };
};

const ofKind = (events: unknown[], kind: string): unknown =>
  events.find((e) => (e as { kind: string }).kind === kind);

describe('tls on real traffic from node:tls (OpenSSL) on loopback', () => {
  it('TLS 1.3: SNI and ALPN offered; the server ALPN is encrypted (EncryptedExtensions), so absent', async () => {
    const { detected, events } = await realHandshake('TLSv1.3');
    expect(detected).toBe(true);
    expect(ofKind(events, 'tls-client-hello')).toMatchObject({
      sni: 'api.shop.local',
      alpn: ['h2'],
      version: 'TLS1.3',
    });
    const serverHello = ofKind(events, 'tls-server-hello');
    expect(serverHello).toMatchObject({ version: 'TLS1.3' });
    expect(serverHello).not.toHaveProperty('alpn');
  });

  it('TLS 1.2: the ServerHello carries the selected ALPN protocol', async () => {
    const { events } = await realHandshake('TLSv1.2');
    expect(ofKind(events, 'tls-client-hello')).toMatchObject({ version: 'TLS1.2', recordVersion: 'TLS1.0' });
    expect(ofKind(events, 'tls-server-hello')).toMatchObject({ version: 'TLS1.2', alpn: 'h2' });
  });
});
