/** RADIUS detection from FreeRADIUS 3.2.1's and radclient's own bytes (radius-messages.ts) and edge cases built here. */
import { describe, expect, it } from 'vitest';
import { detectProtocol } from '#sidecar/engine/detect-protocol.ts';
import type { Direction } from '#sidecar/events.ts';
import { protocols as registry } from '#sidecar/protocols/index.ts';
import { radius } from '#sidecar/protocols/radius.ts';
import { concat, contractCheck, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  accountingResponse,
  accountingStart,
  bobReject,
  bobRequest,
  chapAccept,
  chapRequest,
  eapChallenge,
  eapIdentity,
  mschapReject,
  mschapRequest,
  papAccept,
  papRequest,
  papWithAuthenticator,
  papWithAuthenticatorReject,
} from '#test/fixtures/protocols/radius-messages.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const requests = [
  papRequest,
  chapRequest,
  papWithAuthenticator,
  accountingStart,
  eapIdentity,
  mschapRequest,
  bobRequest,
];
const responses = [
  papAccept,
  chapAccept,
  papWithAuthenticatorReject,
  accountingResponse,
  eapChallenge,
  mschapReject,
  bobReject,
];

/** The engine's label for one datagram over UDP. */
const label = (bytes: Uint8Array, direction: Direction): string => {
  const none = new Uint8Array(0);
  const verdict = detectProtocol(registry, {
    transport: 'udp',
    toServer: direction === 'to-server' ? bytes : none,
    toClient: direction === 'to-client' ? bytes : none,
    refused: new Uint8Array(registry.length),
    fullToServer: true,
    fullToClient: true,
  });
  return verdict.verdict === 'match' ? (registry[verdict.index]?.id ?? '') : verdict.verdict;
};

/** A packet of `code` with these attributes (type, value) and a zero authenticator. */
const packet = (code: number, attributes: readonly [number, Uint8Array][]): Uint8Array => {
  const body = concat(...attributes.map(([type, v]) => concat(Uint8Array.of(type, v.length + 2), v)));
  const length = 20 + body.length;
  return concat(Uint8Array.of(code, 7, length >> 8, length & 0xff), new Uint8Array(16), body);
};

describe('radius detection', () => {
  it("matches FreeRADIUS's answers from the server and radclient's requests from the client, and not the other way", () => {
    for (const request of requests) {
      expect(radius.detect(request, 'to-server')).toBe('match');
      expect(radius.detect(request, 'to-client')).toBe('no-match');
    }
    for (const response of responses) {
      expect(radius.detect(response, 'to-client')).toBe('match');
      expect(radius.detect(response, 'to-server')).toBe('no-match');
    }
  });

  it('is the label the engine gives each datagram, before DNS', () => {
    for (const request of requests) expect(label(request, 'to-server')).toBe('radius');
    for (const response of responses) expect(label(response, 'to-client')).toBe('radius');
  });

  it("needs the length to be the datagram's, 20 to 4096 octets, and the attributes to end exactly there", () => {
    expect(radius.detect(concat(papRequest, hex('00')), 'to-server')).toBe('no-match');
    expect(radius.detect(papRequest.subarray(0, papRequest.length - 1), 'to-server')).toBe('no-match');
    expect(radius.detect(accountingResponse.subarray(0, 19), 'to-client')).toBe('no-match');
    expect(radius.detect(packet(1, [[1, new Uint8Array(250)]]), 'to-server')).toBe('match');
    const long = packet(
      1,
      Array.from({ length: 17 }, () => [26, new Uint8Array(253)] as [number, Uint8Array]),
    );
    expect(long.length).toBeGreaterThan(4096);
    expect(radius.detect(long, 'to-server')).toBe('no-match');
    // Type 0, a length below 2, an attribute running past the end.
    expect(radius.detect(packet(1, [[0, hex('6161')]]), 'to-server')).toBe('no-match');
    const short = Uint8Array.from(packet(1, [[1, hex('61')]]));
    short[21] = 1;
    expect(radius.detect(short, 'to-server')).toBe('no-match');
    const past = Uint8Array.from(packet(1, [[1, hex('6161')]]));
    past[21] = 5;
    expect(radius.detect(past, 'to-server')).toBe('no-match');
  });

  it('waits while the length is not there yet, so the first octet keeps it a candidate', () => {
    expect(radius.detect(papRequest.subarray(0, 1), 'to-server')).toBe('need-more');
    expect(radius.detect(papRequest.subarray(0, 3), 'to-server')).toBe('need-more');
    expect(radius.detect(papRequest.subarray(0, 4), 'to-server')).toBe('no-match');
    expect(radius.detect(papRequest.subarray(0, 1), 'to-client')).toBe('no-match');
  });

  it('takes only the codes RADIUS defines: 1-5, 11-13, 40-45', () => {
    for (const code of [0, 6, 7, 10, 14, 26, 39, 46, 0x30, 0x80, 0xff])
      for (const direction of ['to-server', 'to-client'] as const)
        expect(radius.detect(packet(code, []), direction), `${code}`).toBe('no-match');
    for (const code of [1, 4, 12, 13, 40, 43])
      expect(radius.detect(packet(code, []), 'to-server')).toBe('match');
    for (const code of [2, 3, 5, 11, 41, 42, 44, 45])
      expect(radius.detect(packet(code, []), 'to-client')).toBe('match');
  });

  it('refuses datagrams of other UDP protocols whose first octet is a RADIUS code', () => {
    // A DNS query of 256 octets whose ID starts 0x01 and whose flags (0x0100) equal its size: its name does not walk.
    const labels = ['a'.repeat(63), 'a'.repeat(63), 'a'.repeat(63), 'b'.repeat(46)];
    const name = labels.map((l) => `${l.length.toString(16)}${Buffer.from(l).toString('hex')}`).join('');
    const query = hex(`0142 0100 0001 0000 0000 0000 ${name}00 0001 0001`);
    expect(query.length).toBe(256);
    expect(radius.detect(query, 'to-server')).toBe('no-match');
    expect(label(query, 'to-server')).toBe('dns');
    // A DHCP BOOTREQUEST (op 1, htype 1, hlen 6: a "length" of 262) of 262 octets: siaddr 0 is attribute type 0.
    const dhcp = concat(hex('01010600 12345678 0000 0000 00000000 00000000'), new Uint8Array(242));
    expect(dhcp.length).toBe(262);
    expect(radius.detect(dhcp, 'to-server')).toBe('no-match');
    // NTPv1 client (0x0b), WireGuard's initiation (1 then zeros), a StatsD line starting '-', OpenVPN's P_CONTROL_V1.
    expect(radius.detect(concat(hex('0b000000'), new Uint8Array(44)), 'to-server')).toBe('no-match');
    expect(radius.detect(concat(hex('01000000'), new Uint8Array(144)), 'to-server')).toBe('no-match');
    expect(radius.detect(Buffer.from('-gauge:1|g'), 'to-server')).toBe('no-match');
    expect(radius.detect(concat(hex('28 0123456789abcdef 00'), new Uint8Array(40)), 'to-server')).toBe(
      'no-match',
    );
  });

  it('holds the protocol contract: random datagrams never match, nothing throws', () => {
    expect(contractCheck(radius, ['to-server', papRequest]).randomMatches).toBe(0);
    expect(contractCheck(radius, ['to-client', eapChallenge]).randomMatches).toBe(0);
  });

  itRejectsForeignBytes(radius, ['radius']);
});
