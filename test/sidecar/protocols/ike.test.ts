import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { ike, ikeStream } from '#sidecar/protocols/ike.ts';
import { readIkeMessage } from '#sidecar/protocols/ike-header.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import {
  espPacket,
  ikeMessage,
  nonEspMarker,
  opaque,
  tcpFrame,
  v1IdFqdn,
  v1Notify,
  v1Sa,
  v2Notify,
  v2Sa,
} from '#test/fixtures/protocols/ike-builder.ts';
import {
  aggressiveFinish,
  aggressiveRequest,
  aggressiveResponse,
  authFailedNotify,
  authRequest,
  authResponse,
  informationalRequest,
  quickModeRequest,
  saInitRequest,
  saInitResponse,
} from '#test/fixtures/protocols/ike-messages.ts';
import { ascii, concat, contractCheck, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

type Step = [direction: 'to-server' | 'to-client', bytes: Uint8Array];

const operations = (events: readonly ProtocolEvent[]): string[] =>
  events.map((e) => (e.kind === 'operation' ? `${e.operation}${e.detail ? ` | ${e.detail}` : ''}` : e.kind));

const run = (protocol: typeof ike, steps: readonly Step[]): string[] => {
  const parser = protocol.createParser();
  const events = steps.flatMap(([d, b], i) => parser.parse(b, d, i + 1));
  return operations([...events, ...(parser.end?.() ?? [])]);
};

/** The first UDP protocol of the registry that takes a datagram, as the engine asks them. */
const firstUdpMatch = (b: Uint8Array, d: 'to-server' | 'to-client'): string | undefined =>
  protocols.find((p) => p.transport !== 'tcp' && p.detect(b, d) === 'match')?.id;

/** An IKEv1 main mode first message: SA (3DES, MD5, PSK, group 2) and a vendor id, as an old gateway sends. */
const mainModeRequest = ikeMessage({ version: 1, exchange: 2 }, [
  v1Sa([5, 1, 1, 2], [7, 2, 3, 14, 256]),
  { type: 13, body: Uint8Array.from(Buffer.from('afcad71368a1f1c96b8696fc77570100', 'hex')) },
]);
const mainModeResponse = ikeMessage({ version: 1, exchange: 2, rspi: '1111111111111111' }, [
  v1Sa([5, 1, 1, 2]),
]);

describe('IKE messages (RFC 7296 §3.1, RFC 2408 §3.1)', () => {
  it("reads strongSwan's IKE_SA_INIT: version, exchange, SPIs, flags and the payload chain to its end", () => {
    const m = readIkeMessage(saInitRequest);
    expect(m).toMatchObject({
      version: 2,
      exchange: 34,
      initiatorSpi: '598c970198e13733',
      responderZero: true,
      fromInitiator: true,
      response: false,
      messageId: 0,
      length: 462,
      encrypted: 0,
    });
    // SA, KE, Nonce, then five notifies (strongSwan's log: N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ...).
    expect(m?.payloads.map((p) => p.type)).toEqual([33, 34, 40, 41, 41, 41, 41, 41]);
    expect(readIkeMessage(saInitResponse)).toMatchObject({ responderZero: false, response: true });
    // IKE_AUTH: one SK payload reaching the end (its 4-octet header apart, 272 octets encrypted).
    expect(readIkeMessage(authRequest.subarray(4))).toMatchObject({ exchange: 35, encrypted: 272 });
  });

  it('refuses a length that disagrees, a chain that overruns or stops short, and wrong versions or exchanges', () => {
    const sa = v2Sa([
      [1, 12, 128],
      [2, 5],
      [3, 12],
      [4, 14],
    ]);
    const good = ikeMessage({ exchange: 34 }, [sa, opaque(34, 264), opaque(40, 32)]);
    expect(readIkeMessage(good)).toBeDefined();
    // The header's length one more, or the datagram one octet longer than it says.
    expect(readIkeMessage(ikeMessage({ exchange: 34, length: good.length + 1 }, [sa]))).toBeUndefined();
    expect(readIkeMessage(concat(good, Uint8Array.of(0)))).toBeUndefined();
    // The last payload's length past the end: overruns.
    const overrun = Uint8Array.from(good);
    overrun[good.length - 36 + 3] = 37;
    expect(readIkeMessage(overrun)).toBeUndefined();
    // A payload length under 4.
    const tiny = Uint8Array.from(good);
    tiny[28 + 3] = 2;
    tiny[28 + 2] = 0;
    expect(readIkeMessage(tiny)).toBeUndefined();
    // Version 3.0, exchange 38 (not one of ours), a message id on IKE_SA_INIT, a zero initiator SPI.
    for (const [at, value] of [
      [17, 0x30],
      [18, 38],
      [23, 1],
    ] as const) {
      const wrong = Uint8Array.from(good);
      wrong[at] = value;
      expect(readIkeMessage(wrong), `${at}`).toBeUndefined();
    }
    expect(readIkeMessage(ikeMessage({ exchange: 34, ispi: '0000000000000000' }, [sa]))).toBeUndefined();
    // IKE_AUTH with a zero responder SPI cannot be.
    expect(
      readIkeMessage(ikeMessage({ exchange: 35 }, [{ type: 46, body: new Uint8Array(32) }])),
    ).toBeUndefined();
  });
});

describe('IKE detection', () => {
  it("matches strongSwan's messages at 500 and behind the non-ESP marker at 4500, whatever the port", () => {
    expect(ike.detect(saInitRequest, 'to-server')).toBe('match');
    expect(ike.detect(saInitResponse, 'to-client')).toBe('match');
    expect(ike.detect(authRequest, 'to-server')).toBe('match');
    expect(ike.detect(authResponse, 'to-client')).toBe('match');
    expect(ike.detect(aggressiveRequest, 'to-server')).toBe('match');
    expect(ike.detect(aggressiveResponse, 'to-client')).toBe('match');
    expect(ike.detect(mainModeRequest, 'to-server')).toBe('match');
    expect(ike.detect(authFailedNotify, 'to-client')).toBe('match');
  });

  it('does not name a flow from IKEv1 ciphertext, ESP, a keepalive or a marker alone', () => {
    expect(ike.detect(aggressiveFinish, 'to-server')).toBe('no-match');
    expect(ike.detect(quickModeRequest, 'to-server')).toBe('no-match');
    expect(ike.detect(espPacket(0xc0ffee01, 1), 'to-server')).toBe('no-match');
    expect(ike.detect(Uint8Array.of(0xff), 'to-server')).not.toBe('match');
    expect(ike.detect(new Uint8Array(4), 'to-server')).not.toBe('match');
    // A marker before a message whose length disagrees.
    const bad = Uint8Array.from(authRequest);
    bad[4 + 27] = (bad[4 + 27] ?? 0) + 1;
    expect(ike.detect(bad, 'to-server')).toBe('no-match');
  });

  it('is the registry’s first UDP match for IKE, and takes no other protocol’s datagram', () => {
    for (const m of [saInitRequest, authRequest, aggressiveRequest])
      expect(firstUdpMatch(m, 'to-server')).toBe('ike');
    expect(contractCheck(ike, ['to-server', saInitRequest]).randomMatches).toBe(0);
    // RFC 8489 §5: a STUN Binding request with a SOFTWARE attribute (36 octets), and RFC 1035's query for
    // example.com A: neither has IKE's version octet at 17 nor a length of itself at 24.
    const stun = hex('0001 0010 2112a442 0102030405060708090a0b0c 8022 000c 6d657368776172642d746573');
    const query = hex('1234 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001');
    for (const b of [stun, query]) expect(ike.detect(b, 'to-server')).not.toBe('match');
    expect(firstUdpMatch(query, 'to-server')).toBe('dns');
  });

  it('over TCP: IKETCP then a framed message behind the marker; the answer framed alone', () => {
    const first = concat(ascii('IKETCP'), tcpFrame(saInitRequest));
    expect(ikeStream.detect(first, 'to-server')).toBe('match');
    expect(ikeStream.detect(first.subarray(0, 3), 'to-server')).toBe('need-more');
    expect(ikeStream.detect(first.subarray(0, 40), 'to-server')).toBe('need-more');
    expect(ikeStream.detect(tcpFrame(saInitResponse), 'to-client')).toBe('match');
    expect(ikeStream.detect(tcpFrame(saInitRequest), 'to-server')).toBe('no-match');
    expect(ikeStream.detect(concat(ascii('IKETCP'), tcpFrame(espPacket(5, 1), false)), 'to-server')).toBe(
      'no-match',
    );
    expect(ikeStream.detect(ascii('GET / HTTP/1.1\r\n\r\n'), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(ike, []);
  itRejectsForeignBytes(ikeStream, []);
});

describe('IKE events', () => {
  it("tells strongSwan's IKEv2 exchange: proposals, notifies, the answer, NAT-T and IKE_AUTH answered", () => {
    const out = run(ike, [
      ['to-server', saInitRequest],
      ['to-client', saInitResponse],
    ]);
    expect(out).toContain('proposal ENCR_AES_CBC-256 PRF_HMAC_SHA2_256 AUTH_HMAC_SHA2_256_128 MODP_2048');
    expect(out).toContain('chosen ENCR_AES_CBC-256 PRF_HMAC_SHA2_256 AUTH_HMAC_SHA2_256_128 MODP_2048');
    for (const n of [
      'NAT_DETECTION_SOURCE_IP',
      'NAT_DETECTION_DESTINATION_IP',
      'IKEV2_FRAGMENTATION_SUPPORTED',
    ])
      expect(out).toContain(`notify ${n}`);
    expect(out[0]).toBe(
      'IKE_SA_INIT request | version=2 spi=598c970198e13733 message=0 octets=462 encrypted=0',
    );
    expect(out).toContain(
      'sa-answered | version=2 exchange=IKE_SA_INIT answered=1 ' +
        'suite=ENCR_AES_CBC-256,PRF_HMAC_SHA2_256,AUTH_HMAC_SHA2_256_128,MODP_2048 weak= identity=',
    );
    expect(out.at(-1)).toBe(
      'tunnel | version=2 handshake=answered transport=udp nat-t=no esp=0/0 keepalives=0 encrypted=0 octets=932 ' +
        'suite=ENCR_AES_CBC-256,PRF_HMAC_SHA2_256,AUTH_HMAC_SHA2_256_128,MODP_2048 weak= aggressive=no identity= ' +
        'unreadable=0',
    );
  });

  it('at 4500: the marker, IKE_AUTH answered, ESP counted each way (never read), keepalives', () => {
    const out = run(ike, [
      ['to-server', authRequest],
      ['to-client', authResponse],
      ['to-server', espPacket(0xc1c2c3c4, 1)],
      ['to-server', espPacket(0xc1c2c3c4, 2)],
      ['to-client', espPacket(0xd1d2d3d4, 1)],
      ['to-server', Uint8Array.of(0xff)],
      ['to-server', informationalRequest],
    ]);
    expect(out).toEqual([
      'nat-t | marker=non-esp',
      'IKE_AUTH request | version=2 spi=598c970198e13733 message=1 octets=304 encrypted=272',
      'IKE_AUTH response | version=2 spi=598c970198e13733 message=1 octets=160 encrypted=128',
      'auth-answered | version=2 exchange=IKE_AUTH',
      'esp | spi=c1c2c3c4',
      'esp | spi=d1d2d3d4',
      'INFORMATIONAL request | version=2 spi=598c970198e13733 message=2 octets=80 encrypted=48',
      'tunnel | version=2 handshake=auth-answered transport=udp nat-t=yes esp=2/1 keepalives=1 encrypted=3 ' +
        'octets=773 suite= weak= aggressive=no identity= unreadable=0',
    ]);
  });

  it('IKEv1 aggressive mode: the identity in the clear, PSK, SHA-1 and MODP_1024 weak; the third message counted', () => {
    const out = run(ike, [
      ['to-server', aggressiveRequest],
      ['to-client', aggressiveResponse],
      ['to-server', aggressiveFinish],
    ]);
    expect(out).toContain('identity ID_FQDN:client.meshward.test | mode=aggressive');
    expect(out).toContain('proposal ENCR_AES_CBC-128 HASH_SHA1 AUTH_PSK MODP_1024');
    expect(out).toContain('vendor DPD');
    expect(out).toContain('vendor NAT-T (RFC 3947)');
    expect(out).toContain('auth-answered | version=1 exchange=Aggressive-Mode');
    expect(out.at(-1)).toMatch(
      /^tunnel \| version=1 handshake=auth-answered .* encrypted=1 .* weak=HASH_SHA1,MODP_1024,AGGRESSIVE_PSK aggressive=yes identity=ID_FQDN:client\.meshward\.test /,
    );
  });

  it('IKEv1 main mode: 3DES and MD5 offered, the answer chosen; a notify in the clear named', () => {
    const out = run(ike, [
      ['to-server', mainModeRequest],
      ['to-client', mainModeResponse],
      ['to-client', ikeMessage({ version: 1, exchange: 5, rspi: '1111111111111111' }, [v1Notify(14)])],
    ]);
    expect(out).toContain('proposal ENCR_3DES HASH_MD5 AUTH_PSK MODP_1024');
    expect(out).toContain('proposal ENCR_AES_CBC-256 HASH_SHA1 AUTH_RSA_SIG MODP_2048');
    expect(out).toContain('vendor DPD');
    expect(out).toContain(
      'sa-answered | version=1 exchange=Main-Mode answered=1 ' +
        'suite=ENCR_3DES,HASH_MD5,AUTH_PSK,MODP_1024 weak=ENCR_3DES,HASH_MD5,MODP_1024 identity=',
    );
    expect(out).toContain('notify NO_PROPOSAL_CHOSEN');
    expect(out.at(-1) ?? '').toContain('handshake=answered');
    // Main mode's PSK is not aggressive mode's: its identity is encrypted.
    expect(out.at(-1)).toContain('weak=ENCR_3DES,HASH_MD5,MODP_1024 aggressive=no');
  });

  it("an IKEv1 aggressive request's identity, read from a hand-built one too, and a COOKIE answer", () => {
    const request = ikeMessage({ version: 1, exchange: 4 }, [
      v1Sa([1, 1, 65001, 1]),
      opaque(4, 96),
      opaque(10, 16),
      v1IdFqdn('vpn@corp.example'),
    ]);
    const out = run(ike, [['to-server', request]]);
    expect(out).toContain('identity ID_FQDN:vpn@corp.example | mode=aggressive');
    expect(out.at(-1)).toContain('handshake=initiated');
    expect(out.at(-1)).toContain('weak=ENCR_DES,HASH_MD5,MODP_768,AGGRESSIVE_PSK');
    const cookie = ikeMessage({ exchange: 34, flags: 0x20 }, [v2Notify(16390, new Uint8Array(16))]);
    expect(ike.detect(cookie, 'to-client')).toBe('match');
    expect(run(ike, [['to-client', cookie]])).toContain('notify COOKIE');
  });

  it('over TCP: the prefix, framed messages and ESP, in any split', () => {
    const up = concat(ascii('IKETCP'), tcpFrame(saInitRequest), tcpFrame(espPacket(7, 1), false));
    const down = concat(tcpFrame(saInitResponse), tcpFrame(espPacket(8, 1), false));
    const whole = run(ikeStream, [
      ['to-server', up],
      ['to-client', down],
    ]);
    expect(whole.some((e) => e.startsWith('sa-answered | version=2 exchange=IKE_SA_INIT answered=1 '))).toBe(
      true,
    );
    expect(whole.at(-1)).toMatch(/^tunnel \| version=2 handshake=answered transport=tcp nat-t=no esp=1\/1 /);
    const split = run(ikeStream, [
      ['to-server', up.subarray(0, 3)],
      ['to-server', up.subarray(3, 300)],
      ['to-server', up.subarray(300)],
      ['to-client', down.subarray(0, 1)],
      ['to-client', down.subarray(1)],
    ]);
    expect(split).toEqual(whole);
  });

  it('never throws on hostile datagrams and counts what it cannot read', () => {
    const out = run(ike, [
      ['to-server', nonEspMarker(Uint8Array.of(1, 2, 3))],
      ['to-server', new Uint8Array(40)],
    ]);
    expect(out.at(-1)).toContain('unreadable=2');
  });
});
