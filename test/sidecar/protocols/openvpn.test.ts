import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { openvpn, openvpnStream } from '#sidecar/protocols/openvpn.ts';
import { readReset } from '#sidecar/protocols/openvpn-packet.ts';
import {
  captured,
  clientReset,
  control,
  framed,
  type Layout,
  serverReset,
  sessionA,
  sessionB,
} from '#test/fixtures/protocols/openvpn-packets.ts';
import {
  contractCheck,
  feed,
  feedByteByByte,
  hex,
  octetsCopied,
  prng,
  randomBytes,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const plain: Layout = { mode: 'plain' };
const sha1: Layout = { mode: 'tls-auth', hmac: 20 };
const sha256: Layout = { mode: 'tls-auth', hmac: 32 };
const crypt: Layout = { mode: 'tls-crypt' };

/** A whole TLS ClientHello record (Node's, SNI api.example.com: wire-samples.ts). */
const hello = [
  ...(wireSamples.find((s) => s.protocol === 'tls' && s.direction === 'to-server')?.bytes ?? []),
];

const ops = (events: readonly unknown[]): string[] =>
  (events as ProtocolEvent[]).map((e) => (e.kind === 'operation' ? `${e.operation} ${e.detail}` : e.kind));

describe('OpenVPN hard resets (ssl_pkt.h)', () => {
  it('reads the layout of each mode, built and as OpenVPN 2.6.14 sent them', () => {
    expect(readReset(clientReset(plain))).toEqual({ mode: 'plain', hmac: 0, peerSession: -1 });
    expect(readReset(serverReset(plain))).toEqual({ mode: 'plain', hmac: 0, peerSession: 14 });
    expect(readReset(clientReset(sha1))).toEqual({ mode: 'tls-auth', hmac: 20, peerSession: -1 });
    expect(readReset(serverReset(sha256))).toEqual({ mode: 'tls-auth', hmac: 32, peerSession: 54 });
    expect(readReset(clientReset(crypt))).toMatchObject({ mode: 'tls-crypt' });
    expect(readReset(serverReset(crypt))).toMatchObject({ mode: 'tls-crypt' });
    expect(readReset(hex(captured.plainClientReset))).toMatchObject({ mode: 'plain' });
    expect(readReset(hex(captured.plainServerReset))).toMatchObject({ mode: 'plain', peerSession: 14 });
    expect(readReset(hex(captured.tlsAuthClientReset))).toMatchObject({ mode: 'tls-auth', hmac: 20 });
    expect(readReset(hex(captured.tlsCryptClientReset))).toMatchObject({ mode: 'tls-crypt' });
    expect(readReset(hex(captured.tlsCryptServerReset))).toMatchObject({ mode: 'tls-crypt' });
  });

  it("reads 2.6's early-negotiation TLV and tls-crypt-v2's wrapped client key", () => {
    const tlv = control({
      opcode: 7,
      session: sessionA,
      layout: plain,
      messageId: 0,
      payload: [0, 1, 0, 2, 0, 1],
    });
    expect(readReset(tlv)).toMatchObject({ mode: 'plain' });
    // V3: the tls-crypt block, 5 encrypted octets, then a 100-octet WKc whose last two octets are its length.
    const wkc = [...new Array(98).fill(0x5a), 0, 100];
    const v3 = Uint8Array.from([...clientReset(crypt).subarray(0, 54), ...wkc]);
    v3[0] = 0x50;
    expect(readReset(v3)).toMatchObject({ mode: 'tls-crypt-v2' });
    v3[v3.length - 1] = 99;
    expect(readReset(v3)).toBeUndefined();
  });

  it('refuses a key id other than 0, acks from a client, none from a server, a message id not 0, and bad replay fields', () => {
    const keyed = clientReset(plain);
    keyed[0] = 0x39;
    expect(readReset(keyed)).toBeUndefined();
    expect(
      readReset(
        control({ opcode: 7, session: sessionA, layout: plain, acks: [0], peer: sessionB, messageId: 0 }),
      ),
    ).toBeUndefined();
    expect(readReset(control({ opcode: 8, session: sessionB, layout: plain, messageId: 0 }))).toBeUndefined();
    expect(readReset(control({ opcode: 7, session: sessionA, layout: plain, messageId: 1 }))).toBeUndefined();
    expect(
      readReset(control({ opcode: 7, session: sessionA, layout: sha1, replay: 0, messageId: 0 })),
    ).toBeUndefined();
    const epoch = clientReset(sha1);
    epoch.fill(0, 33, 37); // time 0: 1970
    expect(readReset(epoch)).toBeUndefined();
    expect(readReset(clientReset(plain).subarray(0, 13))).toBeUndefined();
    expect(readReset(Uint8Array.from([...clientReset(plain), 0]))).toBeUndefined();
  });
});

describe('OpenVPN detection', () => {
  it('matches a reset datagram of each mode, in either direction', () => {
    for (const p of [
      clientReset(plain),
      serverReset(plain),
      clientReset(sha1),
      clientReset(crypt),
      serverReset(crypt),
    ]) {
      expect(openvpn.detect(p, 'to-server')).toBe('match');
      expect(openvpn.detect(p, 'to-client')).toBe('match');
    }
  });

  it('does not name a flow from control, ack or data packets alone', () => {
    const ack = control({ opcode: 5, session: sessionA, layout: plain, acks: [0], peer: sessionB });
    const ctl = control({ opcode: 4, session: sessionA, layout: plain, messageId: 1, payload: hello });
    const data = Uint8Array.from([0x48, 0, 0, 1, ...randomBytes(prng(1), 80)]);
    for (const p of [ack, ctl, data]) expect(openvpn.detect(p, 'to-server')).toBe('no-match');
  });

  it('over TCP: waits for the whole length-prefixed reset, refuses hostile and foreign lengths', () => {
    const whole = framed(clientReset(sha1));
    expect(openvpnStream.detect(whole.subarray(0, 1), 'to-server')).toBe('need-more');
    expect(openvpnStream.detect(whole.subarray(0, 20), 'to-server')).toBe('need-more');
    expect(openvpnStream.detect(whole, 'to-server')).toBe('match');
    expect(openvpnStream.detect(framed(serverReset(crypt)), 'to-client')).toBe('match');
    expect(openvpnStream.detect(hex('ffff38'), 'to-server')).toBe('no-match');
    expect(openvpnStream.detect(hex('000538aabbccdd'), 'to-server')).toBe('no-match');
    // PostgreSQL's startup and DNS over TCP (RFC 1035 §4.2.2) begin with a small length too.
    expect(openvpnStream.detect(hex('00000008 04d2162f'), 'to-server')).toBe('no-match');
    expect(openvpnStream.detect(clientReset(plain), 'to-server')).toBe('no-match');
  });

  it('takes none of the look-alikes: DNS, QUIC, random datagrams starting 0x38, 0x40, 0x50', () => {
    expect(
      openvpn.detect(hex('3806 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001'), 'to-server'),
    ).toBe('no-match');
    const next = prng(77);
    let matches = 0;
    for (let i = 0; i < 20000; i++) {
      const bytes = randomBytes(next, [14, 26, 42, 54, 66, 120][i % 6] as number);
      bytes[0] = [0x38, 0x40, 0x50][i % 3] as number;
      if (openvpn.detect(bytes, 'to-server') === 'match') matches++;
      const stream = Uint8Array.from([0, bytes.length, ...bytes]);
      if (openvpnStream.detect(stream, 'to-server') === 'match') matches++;
    }
    expect(matches).toBe(0);
    expect(contractCheck(openvpn, ['to-server', clientReset(sha1)]).randomMatches).toBe(0);
    expect(contractCheck(openvpnStream, ['to-server', framed(clientReset(sha1))]).randomMatches).toBe(0);
  });

  itRejectsForeignBytes(openvpn, []);
  itRejectsForeignBytes(openvpnStream, []);
});

/** A plain (or tls-auth) session: resets, the ClientHello in two control packets (second first, then a retransmission), acks, data. */
const session = (layout: Layout): Segment[] => [
  ['to-server', clientReset(layout)],
  ['to-server', clientReset(layout)],
  ['to-client', serverReset(layout)],
  [
    'to-server',
    control({
      opcode: 4,
      session: sessionA,
      layout,
      acks: [0],
      peer: sessionB,
      messageId: 2,
      payload: hello.slice(100),
    }),
  ],
  [
    'to-server',
    control({ opcode: 4, session: sessionA, layout, messageId: 1, payload: hello.slice(0, 100) }),
  ],
  [
    'to-server',
    control({ opcode: 4, session: sessionA, layout, messageId: 1, payload: hello.slice(0, 100) }),
  ],
  ['to-client', control({ opcode: 5, session: sessionB, layout, acks: [1, 2], peer: sessionA })],
  ['to-server', Uint8Array.from([0x48, 0, 0, 7, ...randomBytes(prng(2), 64)])],
  ['to-client', Uint8Array.from([0x48, 0, 0, 7, ...randomBytes(prng(3), 64)])],
  ['to-server', control({ opcode: 3, key: 1, session: sessionA, layout, messageId: 0 })],
  [
    'to-client',
    control({ opcode: 4, key: 0, session: sessionB, layout, messageId: 1, payload: [0x17, 3, 3, 0, 1, 0] }),
  ],
  [
    'to-client',
    control({ opcode: 4, key: 1, session: sessionB, layout, messageId: 1, payload: [0x17, 3, 3, 0, 1, 0] }),
  ],
];

describe('OpenVPN events', () => {
  it('tells the resets once, the echo as an answered session, the ClientHello reassembled, data and a renegotiation', () => {
    const parser = openvpn.createParser();
    const events = [
      ...session(sha1).flatMap(([d, b], i) => parser.parse(b, d, 1000 + i)),
      ...(parser.end?.() ?? []),
    ];
    expect(ops(events).filter((e) => !e.startsWith('tls-record'))).toEqual([
      'mode-tls-auth undefined',
      'hard-reset-client session=06ce5114867fc54e mode=tls-auth version=2',
      'hard-reset-server session=4c9f39601f866b78 mode=tls-auth echoes=client',
      'session-answered client=06ce5114867fc54e server=4c9f39601f866b78 mode=tls-auth by=echo',
      'tls-client-hello',
      'data opcode=P_DATA_V2 key=0',
      'data opcode=P_DATA_V2 key=0',
      'key-renegotiation key=1 by=P_CONTROL_SOFT_RESET_V1',
      `tunnel mode=tls-auth session=answered transport=udp data=1/1 renegotiations=1 octets=${session(sha1).reduce((n, [, b]) => n + b.length, 0)}`,
    ]);
    const chello = events.find((e) => e.kind === 'tls-client-hello');
    expect(chello).toMatchObject({ sni: 'api.example.com', version: 'TLS1.3', direction: 'to-server' });
    expect(chello?.kind === 'tls-client-hello' && chello.ja4.startsWith('t13d')).toBe(true);
  });

  it("under tls-crypt, where the echo is encrypted, a server reset after the client's answers the session; no TLS is read", () => {
    const events = ops(feed(openvpn, session(crypt)));
    expect(events.slice(0, 4)).toEqual([
      'mode-tls-crypt undefined',
      'hard-reset-client session=06ce5114867fc54e mode=tls-crypt version=2',
      'hard-reset-server session=4c9f39601f866b78 mode=tls-crypt echoes=encrypted',
      'session-answered client=06ce5114867fc54e server=4c9f39601f866b78 mode=tls-crypt by=reset',
    ]);
    expect(events.some((e) => e.startsWith('tls-'))).toBe(false);
  });

  it('does not answer a session whose server reset echoes another id', () => {
    const events = ops(
      feed(openvpn, [
        ['to-server', clientReset(plain)],
        ['to-client', serverReset(plain, sessionB, [1, 2, 3, 4, 5, 6, 7, 8])],
      ]),
    );
    expect(events).toEqual([
      'mode-plain undefined',
      'hard-reset-client session=06ce5114867fc54e mode=plain version=2',
      'hard-reset-server session=4c9f39601f866b78 mode=plain echoes=other',
    ]);
  });

  it('over TCP, reads packets across chunk boundaries the same, byte by byte too', () => {
    const stream = (layout: Layout): Segment[] => {
      const joined = (d: string) =>
        Uint8Array.from(
          session(layout)
            .filter(([dir]) => dir === d)
            .flatMap(([, b]) => [...framed(b)]),
        );
      return [
        ['to-server', joined('to-server')],
        ['to-client', joined('to-client')],
      ];
    };
    const whole = ops(feed(openvpnStream, stream(plain)));
    expect(whole).toContain(
      'session-answered client=06ce5114867fc54e server=4c9f39601f866b78 mode=plain by=echo',
    );
    expect(whole).toContain('tls-client-hello');
    expect(ops(feedByteByByte(openvpnStream, stream(plain)))).toEqual(whole);
  });

  it('over TCP, reads a 16 KiB packet fed one octet at a time in linear work, the same as fed whole', () => {
    const big = Uint8Array.from([0x48, 0, 0, 7, ...randomBytes(prng(4), 16_000)]);
    const stream = Uint8Array.from([
      ...framed(clientReset(plain)),
      ...framed(big),
      ...framed(clientReset(plain)),
    ]);
    const whole = ops(feed(openvpnStream, [['to-server', stream]]));
    expect(whole).toEqual([
      'mode-plain undefined',
      'hard-reset-client session=06ce5114867fc54e mode=plain version=2',
      'data opcode=P_DATA_V2 key=0',
    ]);
    let events: unknown[] = [];
    const copied = octetsCopied(() => {
      events = feedByteByByte(openvpnStream, [['to-server', stream]]);
    });
    expect(ops(events)).toEqual(whole);
    // Each octet copied a few times at most; joining each octet onto what came before copies 16000²/2 octets.
    expect(copied).toBeLessThan(4 * stream.length);
  });

  it('over TCP, stops at a length past 16 KiB, fed one octet at a time, and keeps counting octets', () => {
    const parser = openvpnStream.createParser();
    const hostile = Uint8Array.from([...framed(clientReset(plain)), 0x40, 0x01, ...new Uint8Array(20_000)]);
    const events = [...hostile].flatMap((octet, i) => parser.parse(Uint8Array.of(octet), 'to-server', i));
    expect(ops(events)).toEqual([
      'mode-plain undefined',
      'hard-reset-client session=06ce5114867fc54e mode=plain version=2',
    ]);
    expect(ops(parser.end?.() ?? [])).toEqual([
      `tunnel mode=plain session=client-only transport=tcp data=0/0 renegotiations=0 octets=${hostile.length}`,
    ]);
  });

  it('stops a TCP direction at a hostile length or a gap, and never throws on hostile bytes', () => {
    const parser = openvpnStream.createParser();
    expect(parser.parse(framed(clientReset(plain)), 'to-server', 1)).toHaveLength(2);
    expect(parser.parse(hex('0000 38'), 'to-server', 2)).toEqual([]);
    expect(parser.parse(framed(clientReset(plain, sessionB)), 'to-server', 3)).toEqual([]);
    const other = openvpnStream.createParser();
    other.parse(framed(serverReset(plain)).subarray(0, 10), 'to-client', 1);
    other.gap('to-client');
    expect(other.parse(framed(serverReset(plain)), 'to-client', 2)).toEqual([]);
    expect(parser.parse(hex('ffff'), 'to-client', 4)).toEqual([]);
    const next = prng(5);
    const fuzz = openvpn.createParser();
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(next, Math.floor(next() * 300));
      if (bytes.length > 0) bytes[0] = [0x20, 0x28, 0x18, 0x38, 0x40, 0x48, 0x30, 0x50][i % 8] as number;
      fuzz.parse(bytes, i % 2 === 0 ? 'to-server' : 'to-client', i);
      parser.parse(bytes, i % 2 === 0 ? 'to-client' : 'to-server', i);
    }
    expect(fuzz.end?.()).toHaveLength(1);
  });
});
