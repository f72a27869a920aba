/**
 * GIOP's detection from either side's 12-octet header: omniORB's own messages (giop-messages.ts), hand-built 1.0, 1.1
 * and 1.2 headers in both byte orders (giop-builder.ts), prefixes, and headers that cannot be GIOP's.
 */
import { describe, expect, it } from 'vitest';
import { giop } from '#sidecar/protocols/giop.ts';
import { readGiopHeader } from '#sidecar/protocols/giop-header.ts';
import { giopFragment, giopMessage, giopReply, giopRequest } from '#test/fixtures/protocols/giop-builder.ts';
import {
  closeConnection12,
  isA10,
  isAReply10,
  locateNameService,
  locateReply12,
  notFoundReply12,
} from '#test/fixtures/protocols/giop-messages.ts';
import { hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const header = (octets: string): Uint8Array => hex(octets);

describe('giop detection', () => {
  it("matches omniORB's requests and replies, either side, and POC-bomber's big-endian probe", () => {
    for (const message of [
      isA10,
      isAReply10,
      locateReply12,
      notFoundReply12,
      closeConnection12,
      locateNameService,
    ])
      for (const direction of ['to-server', 'to-client'] as const)
        expect(giop.detect(message, direction)).toBe('match');
  });

  it('matches every version in both byte orders, deciding on the header alone', () => {
    const request = { id: 7, operation: 'resolve', key: 'NameService' };
    for (const minor of [0, 1, 2] as const)
      for (const little of [false, true]) {
        const message = giopRequest(minor, little, request);
        expect(giop.detect(message.subarray(0, 12), 'to-server'), `1.${minor} ${little}`).toBe('match');
        expect(readGiopHeader(giopReply(minor, little, 7, 0))).toMatchObject({
          minor,
          little,
          type: 'reply',
        });
      }
    expect(readGiopHeader(giopFragment(1, true, 0, [1, 2, 3, 4], true))).toMatchObject({
      type: 'fragment',
      more: true,
      size: 4,
    });
  });

  it('waits on every prefix of a header', () => {
    for (let n = 1; n < 12; n++)
      expect(giop.detect(isA10.subarray(0, n), 'to-server'), `${n}`).toBe('need-more');
    expect(giop.detect(new Uint8Array(), 'to-server')).toBe('need-more');
  });

  it('refuses a header that cannot be GIOP, at the first octet that says so', () => {
    const refused = [
      '47494f5002000000 00000010', // major 2
      '47494f5001030000 00000010', // minor 3
      '47494f5001000200 00000010', // 1.0 has no fragment flag
      '47494f5001020400 00000010', // reserved flag bit
      '47494f5001000007 00000010', // Fragment in 1.0
      '47494f5001020008 00000010', // type 8
      '47494f5001020005 00000001', // CloseConnection carries nothing
      '47494f5001020006 00000004', // nor MessageError
      '47494f5001020002 00000008', // CancelRequest is one request id
      '47494f5001020000 01000001', // past 16 MiB
      '47494f5001020100 00000000', // an empty Request
      '47494f5001020000 ffffffff', // hostile size
      '47494f5001020100 ffffffff',
    ];
    for (const octets of refused) expect(giop.detect(header(octets), 'to-server'), octets).toBe('no-match');
    expect(giop.detect(hex('474554202f'), 'to-server')).toBe('no-match');
    expect(giop.detect(hex('47494f5002'), 'to-server')).toBe('no-match');
    expect(giop.detect(hex('47494f500103'), 'to-client')).toBe('no-match');
    // The size is read in the header's byte order: 16 MiB little-endian is 1 octet big-endian.
    expect(giop.detect(header('47494f5001020000 00000100'), 'to-server')).toBe('match');
    expect(giop.detect(header('47494f5001020100 00000101'), 'to-server')).toBe('no-match');
  });

  it('accepts a message of 16 MiB and no more', () => {
    const at = (size: number) =>
      giopMessage({ minor: 2, little: false, type: 0 }, () => undefined).map((octet, i) =>
        i >= 8 ? (size >>> (8 * (11 - i))) & 0xff : octet,
      );
    expect(giop.detect(at(16 * 1024 * 1024), 'to-server')).toBe('match');
    expect(giop.detect(at(16 * 1024 * 1024 + 1), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(giop, ['giop']);
});
