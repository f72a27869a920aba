/** STUN and TURN detection from coturn 4.6.1's own bytes (stun-messages.ts) and hand-built edge cases (stun-builder.ts). */
import { describe, expect, it } from 'vitest';
import { stun, stunStream } from '#sidecar/protocols/stun.ts';
import { readStunMessage } from '#sidecar/protocols/stun-message.ts';
import { concat, contractCheck, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { stunMessage, transaction } from '#test/fixtures/protocols/stun-builder.ts';
import {
  allocateRequest,
  allocateSuccess,
  bindingRequest,
  bindingSuccess,
  channelData,
  loopbackRefused,
  tcpTwoRequests,
} from '#test/fixtures/protocols/stun-messages.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const id = transaction(7);

describe('stun detection', () => {
  it("matches coturn's messages either way, over UDP as whole datagrams and over TCP back to back", () => {
    for (const [message, direction] of [
      [bindingRequest, 'to-server'],
      [bindingSuccess, 'to-client'],
      [allocateRequest, 'to-server'],
      [allocateSuccess, 'to-client'],
      [loopbackRefused, 'to-client'],
    ] as const) {
      expect(stun.detect(message, direction)).toBe('match');
      expect(stunStream.detect(message, direction)).toBe('match');
    }
    expect(stunStream.detect(tcpTwoRequests, 'to-server')).toBe('match');
    // A datagram must be one message, exactly.
    expect(stun.detect(tcpTwoRequests, 'to-server')).toBe('no-match');
    expect(stun.detect(concat(bindingRequest, hex('00')), 'to-server')).toBe('no-match');
  });

  it('waits on a prefix over TCP, and refuses at the first octet or the cookie', () => {
    expect(stunStream.detect(allocateRequest.subarray(0, 1), 'to-server')).toBe('need-more');
    expect(stunStream.detect(allocateRequest.subarray(0, 30), 'to-server')).toBe('need-more');
    expect(stun.detect(allocateRequest.subarray(0, 30), 'to-server')).toBe('no-match');
    for (const first of [0x02, 0x16, 0x40, 0x80, 0xff])
      expect(stun.detect(Uint8Array.of(first), 'to-server')).toBe('no-match');
    const noCookie = Uint8Array.from(bindingRequest);
    noCookie[5] = 0x13;
    expect(stun.detect(noCookie, 'to-server')).toBe('no-match');
    expect(stun.detect(noCookie.subarray(0, 6), 'to-server')).toBe('no-match');
    // ChannelData opens no flow: too weak a signature alone.
    expect(stun.detect(channelData, 'to-server')).toBe('no-match');
  });

  it('leaves classic RFC 3489 STUN alone: a Binding request without the cookie', () => {
    const classic = hex('0001 0000 0123456789abcdef0123456789abcdef');
    expect(stun.detect(classic, 'to-server')).toBe('no-match');
  });

  it('refuses a length that is not a multiple of 4, an attribute past the end, and the reserved method 0', () => {
    const odd = Uint8Array.from(stunMessage(0x0001, id, [[0x8022, hex('61626364')]]));
    odd[3] = 0x07;
    expect(stun.detect(odd.subarray(0, 27), 'to-server')).toBe('no-match');
    expect(stunStream.detect(odd, 'to-server')).toBe('no-match');
    // SOFTWARE says 12 octets where the message holds 4.
    const past = concat(hex('0001 0008 2112a442'), id, hex('8022 000c 61626364'));
    expect(readStunMessage(past)).toBeUndefined();
    expect(stun.detect(past, 'to-server')).toBe('no-match');
    // A datagram shorter than its length says.
    const unfinished = concat(hex('0001 0004 2112a442'), id, hex('8022'));
    expect(stun.detect(unfinished, 'to-server')).toBe('no-match');
    expect(stun.detect(stunMessage(0x0000, id, []), 'to-server')).toBe('no-match');
  });

  it('reads method and class from the type bits (RFC 8489 §5)', () => {
    const classes = [
      [0x0001, 1, 'request'],
      [0x0011, 1, 'indication'],
      [0x0101, 1, 'success'],
      [0x0111, 1, 'error'],
      [0x0016, 6, 'indication'],
      [0x010a, 10, 'success'],
      [0x011b, 11, 'error'],
    ] as const;
    for (const [type, method, kind] of classes) {
      const message = readStunMessage(stunMessage(type, id, []));
      expect([message?.method, message?.class]).toEqual([method, kind]);
    }
  });

  it('matches no random datagrams and never throws on them', () => {
    expect(contractCheck(stun, ['to-server', allocateRequest]).randomMatches).toBe(0);
    expect(contractCheck(stunStream, ['to-server', tcpTwoRequests]).randomMatches).toBe(0);
  });

  itRejectsForeignBytes(stun, ['stun']);
  itRejectsForeignBytes(stunStream, ['stun']);
});
