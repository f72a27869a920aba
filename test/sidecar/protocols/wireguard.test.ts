import { describe, expect, it } from 'vitest';
import { quic } from '#sidecar/protocols/quic.ts';
import { wireguard } from '#sidecar/protocols/wireguard.ts';
import { readWireguardMessage } from '#sidecar/protocols/wireguard-message.ts';
import { contractCheck, feed, hex, prng, randomBytes } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  wgCookieReply,
  wgInitiation,
  wgResponse,
  wgTransport,
} from '#test/fixtures/protocols/wireguard-messages.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const init = wgInitiation(0x11223344);
const response = wgResponse(0xaabbccdd, 0x11223344);

describe('WireGuard messages (WireGuard paper §5.4)', () => {
  it('reads each of the four types at its length', () => {
    expect(init.length).toBe(148);
    expect(readWireguardMessage(init)).toEqual({ type: 'initiation', sender: 0x11223344, cookie: false });
    expect(readWireguardMessage(wgInitiation(7, 1, true))).toEqual({
      type: 'initiation',
      sender: 7,
      cookie: true,
    });
    expect(response.length).toBe(92);
    expect(readWireguardMessage(response)).toEqual({
      type: 'response',
      sender: 0xaabbccdd,
      receiver: 0x11223344,
      cookie: false,
    });
    expect(wgCookieReply(5).length).toBe(64);
    expect(readWireguardMessage(wgCookieReply(5))).toEqual({ type: 'cookie-reply', receiver: 5 });
    // A keepalive is 32 octets (an empty packet and its tag); data is padded to 16.
    expect(readWireguardMessage(wgTransport(9, 0, 0))).toEqual({
      type: 'transport',
      receiver: 9,
      counter: 0,
      payload: 0,
    });
    expect(readWireguardMessage(wgTransport(9, 70000, 96))).toMatchObject({ counter: 70000, payload: 96 });
  });

  it('refuses wrong lengths, reserved octets, unset MACs and counters no key pair reaches', () => {
    expect(readWireguardMessage(init.subarray(0, 147))).toBeUndefined();
    expect(readWireguardMessage(Uint8Array.from([...init, 0]))).toBeUndefined();
    const reserved = Uint8Array.from(init);
    reserved[2] = 1;
    expect(readWireguardMessage(reserved)).toBeUndefined();
    const noMac1 = Uint8Array.from(init);
    noMac1.fill(0, 116, 132);
    expect(readWireguardMessage(noMac1)).toBeUndefined();
    expect(readWireguardMessage(wgTransport(9, 0, 8))).toBeUndefined(); // 8 is not a multiple of 16
    expect(readWireguardMessage(wgTransport(9, 2 ** 41, 16))).toBeUndefined();
    expect(readWireguardMessage(Uint8Array.of(5, 0, 0, 0, ...new Uint8Array(60)))).toBeUndefined();
  });
});

describe('WireGuard detection', () => {
  it('matches every message type alone, in either direction', () => {
    for (const m of [init, response, wgCookieReply(1), wgTransport(3, 12, 64)]) {
      expect(wireguard.detect(m, 'to-server')).toBe('match');
      expect(wireguard.detect(m, 'to-client')).toBe('match');
    }
  });

  it('needs more only for the first octets of a type it knows', () => {
    expect(wireguard.detect(Uint8Array.of(1), 'to-server')).toBe('need-more');
    expect(wireguard.detect(Uint8Array.of(0x45), 'to-server')).toBe('no-match');
  });

  it('takes none of the look-alikes: DNS with ID 0x0100 and no flags, a QUIC Initial and short header, random UDP', () => {
    // RFC 1035 §4.1.1: ID 0x0100, flags 0 (an iterative query), one question for example.com A: 29 octets.
    expect(
      wireguard.detect(
        hex('0100 0000 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001'),
        'to-server',
      ),
    ).toBe('no-match');
    // The same, padded with EDNS to 48 octets (32 + 16): the reserved octets hold, the counter's top octets do not.
    const dns48 = hex(
      '0400 0000 0001 0000 0000 0001 076578616d706c6503636f6d00 0001 0001 00 0029 1000 0000 0000 0008 000a 0004 01020304'.replace(
        / /g,
        '',
      ),
    );
    expect(dns48.length).toBe(48);
    expect(wireguard.detect(dns48, 'to-server')).toBe('no-match');
    const next = prng(42);
    const quicShort = Uint8Array.from([0x43, ...randomBytes(next, 147)]);
    expect(wireguard.detect(quicShort, 'to-server')).toBe('no-match');
    expect(quic.detect(init, 'to-server')).toBe('no-match');
    let matches = 0;
    for (let i = 0; i < 20000; i++) {
      const length = [32, 48, 64, 92, 148, 160][i % 6] as number;
      const bytes = randomBytes(next, length);
      bytes[0] = 1 + (i % 4);
      if (wireguard.detect(bytes, 'to-server') === 'match') matches++;
    }
    // Even with the type octet right, the three zero octets must be chance (2^-24).
    expect(matches).toBe(0);
    expect(contractCheck(wireguard, ['to-server', init]).randomMatches).toBe(0);
  });

  itRejectsForeignBytes(wireguard, []);
});

describe('WireGuard events', () => {
  it('completes a handshake when the response echoes the initiation, then tells data and the tunnel at the end', () => {
    const parser = wireguard.createParser();
    const events = [
      ...parser.parse(init, 'to-server', 1),
      ...parser.parse(response, 'to-client', 2),
      ...parser.parse(wgTransport(0xaabbccdd, 0, 16), 'to-server', 3),
      ...parser.parse(wgTransport(0x11223344, 0, 32), 'to-client', 4),
      ...parser.parse(wgTransport(0x11223344, 1, 0), 'to-client', 5),
      ...(parser.end?.() ?? []),
    ];
    expect(events.map((e) => (e.kind === 'operation' ? `${e.operation} ${e.detail}` : e.kind))).toEqual([
      'handshake-initiation sender=11223344 handshakes=0',
      'handshake-response sender=aabbccdd receiver=11223344 answers=initiation',
      'handshake-completed sender=aabbccdd receiver=11223344 handshakes=1',
      'transport receiver=aabbccdd handshake=seen',
      'transport receiver=11223344 handshake=seen',
      'tunnel handshake=completed datagrams=5 octets=384 data=1/2 rekeys=0 cookie-replies=0 stray=0 unreadable=0',
    ]);
    expect(events.every((e) => e.kind === 'operation' && e.protocol === 'wireguard')).toBe(true);
  });

  it('counts a second handshake on the flow as a rekey, and a cookie reply', () => {
    const events = feed(wireguard, [
      ['to-server', init],
      ['to-client', wgCookieReply(0x11223344)],
      ['to-server', wgInitiation(0x11223345, 3, true)],
      ['to-client', wgResponse(0xaabbccdd, 0x11223345)],
      ['to-client', wgInitiation(0x0badf00d, 4)],
      ['to-server', wgResponse(0x01020304, 0x0badf00d)],
    ]).map((e) => (e as { operation: string; detail: string }).operation);
    expect(events).toEqual([
      'handshake-initiation',
      'cookie-reply',
      'handshake-initiation',
      'handshake-response',
      'handshake-completed',
      'handshake-initiation',
      'handshake-response',
      'rekey',
    ]);
  });

  it('does not complete on a response to an initiation never seen, nor on one going the same way', () => {
    const ops = feed(wireguard, [
      ['to-server', init],
      ['to-server', wgResponse(1, 0x11223344)],
      ['to-client', wgResponse(2, 0x99999999)],
    ]).map((e) => (e as { detail: string }).detail);
    expect(ops.slice(1)).toEqual([
      'sender=00000001 receiver=11223344 answers=unseen',
      'sender=00000002 receiver=99999999 answers=unseen',
    ]);
  });

  it('tells a tunnel picked up after its handshake, and counts data naming an index nothing announced', () => {
    const parser = wireguard.createParser();
    const events = [
      ...parser.parse(wgTransport(7, 500, 16), 'to-server', 1),
      ...parser.parse(wgTransport(8, 400, 16), 'to-client', 2),
      ...parser.parse(wgTransport(9, 501, 16), 'to-server', 3),
      ...parser.parse(Uint8Array.of(1, 2, 3), 'to-server', 4),
      ...(parser.end?.() ?? []),
    ].map((e) => (e.kind === 'operation' ? `${e.operation} ${e.detail}` : ''));
    expect(events).toEqual([
      'transport receiver=00000007 handshake=unseen',
      'transport receiver=00000008 handshake=unseen',
      'tunnel handshake=none datagrams=4 octets=147 data=2/1 rekeys=0 cookie-replies=0 stray=1 unreadable=1',
    ]);
  });

  it('bounds its handshake events on a flood of initiations, and never throws on hostile datagrams', () => {
    const parser = wireguard.createParser();
    let told = 0;
    for (let i = 0; i < 1000; i++) told += parser.parse(wgInitiation(i, 1), 'to-server', i).length;
    expect(told).toBe(256);
    const next = prng(9);
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(next, Math.floor(next() * 200));
      if (bytes.length > 0) bytes[0] = 1 + (i % 4);
      parser.parse(bytes, i % 2 === 0 ? 'to-server' : 'to-client', i);
    }
    expect(parser.end?.()).toHaveLength(1);
  });
});
