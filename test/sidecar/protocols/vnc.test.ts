import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent } from '#sidecar/events.ts';
import { vnc } from '#sidecar/protocols/vnc.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const lines = (events: unknown[]): string[] =>
  (events as (OperationEvent | DbAuthEvent)[]).map((e) => {
    const side = e.direction === 'to-server' ? 'C' : 'S';
    if (e.kind === 'db-auth') return `${side} login ${e.ok ? 'ok' : 'refused'} ${e.message ?? ''}`.trim();
    return `${side} ${e.operation} ${e.detail ?? ''}`.trim();
  });

const reason = (text: string) => concat(hex(text.length.toString(16).padStart(8, '0')), ascii(text));
const v38 = ascii('RFB 003.008\n');
const challenge = hex('00112233445566778899aabbccddeeff');
const response = hex('ffeeddccbbaa99887766554433221100');
// RFC 6143 §7.3.2 ServerInit: 1024x768, a 32-bit true-colour pixel format, the desktop's name.
const serverInit = concat(hex('04000300' + '2018000100ff00ff00ff100800000000'), reason('payments-admin'));

// RFC 6143 §7.1 and §7.2: versions, the types offered (VNC authentication), the choice, §7.2.2's challenge and
// response, §7.1.3's SecurityResult, §7.3.1 ClientInit (shared) and ServerInit.
const accepted: Segment[] = [
  ['to-client', v38],
  ['to-server', v38],
  ['to-client', hex('0102')],
  ['to-server', hex('02')],
  ['to-client', challenge],
  ['to-server', response],
  ['to-client', hex('00000000')],
  ['to-server', hex('01')],
  ['to-client', serverInit],
];

describe('vnc detect', () => {
  it("matches either side's version line, any version, and waits on a prefix of one", () => {
    expect(vnc.detect(v38, 'to-client')).toBe('match');
    expect(vnc.detect(ascii('RFB 003.003\n'), 'to-server')).toBe('match');
    expect(vnc.detect(ascii('RFB 004.001\nxyz'), 'to-client')).toBe('match');
    expect(vnc.detect(ascii('RFB 00'), 'to-client')).toBe('need-more');
    expect(vnc.detect(ascii('RFB 0a3.008\n'), 'to-client')).toBe('no-match');
    expect(vnc.detect(ascii('RFB 003.008\r'), 'to-client')).toBe('no-match');
    expect(vnc.detect(ascii('HTTP/1.1 200 OK\r\n'), 'to-client')).toBe('no-match');
  });

  it('is the label the whole registry gives', () => {
    expect(engineLabel(accepted)).toBe('vnc');
  });

  itRejectsForeignBytes(vnc, []);
});

describe('vnc parser', () => {
  it('reads a version 3.8 handshake through VNC authentication to the desktop', () => {
    expect(lines(feed(vnc, accepted))).toEqual([
      'S version RFB 3.8',
      'C version RFB 3.8',
      'S security-types vnc-auth',
      'C security vnc-auth',
      'S login ok',
      'S desktop name=payments-admin size=1024x768',
    ]);
    expect(JSON.stringify(feed(vnc, accepted))).not.toContain('00112233');
  });

  it("reads a refused authentication with 3.8's reason, and 3.3's server-chosen type without one", () => {
    const refused = [
      ...accepted.slice(0, 6),
      ['to-client', concat(hex('00000001'), reason('Authentication failed'))],
    ] as Segment[];
    expect(lines(feed(vnc, refused)).slice(4)).toEqual(['S login refused Authentication failed']);
    expect(feed(vnc, refused).filter((e) => (e as DbAuthEvent).kind === 'db-auth')).toMatchObject([
      { dialect: 'vnc', ok: false },
    ]);
    const v33 = ascii('RFB 003.003\n');
    expect(
      lines(
        feed(vnc, [
          ['to-client', v33],
          ['to-server', v33],
          ['to-client', hex('00000002')],
          ['to-client', challenge],
          ['to-server', response],
          ['to-client', hex('00000001')],
        ]),
      ),
    ).toEqual(['S version RFB 3.3', 'C version RFB 3.3', 'S security-types vnc-auth', 'S login refused']);
  });

  it('reads a server that refuses at once, and no login event for no authentication', () => {
    expect(
      lines(
        feed(vnc, [
          ['to-client', v38],
          ['to-server', v38],
          ['to-client', concat(hex('00'), reason('Too many security failures'))],
        ]),
      ),
    ).toEqual(['S version RFB 3.8', 'C version RFB 3.8', 'S refused Too many security failures']);
    const none: Segment[] = [
      ['to-client', v38],
      ['to-server', v38],
      ['to-client', hex('0101')],
      ['to-server', hex('01')],
      ['to-client', hex('00000000')],
      ['to-server', hex('00')],
      ['to-client', serverInit],
    ];
    expect(lines(feed(vnc, none))).toEqual([
      'S version RFB 3.8',
      'C version RFB 3.8',
      'S security-types none',
      'C security none',
      'S desktop name=payments-admin size=1024x768',
    ]);
  });

  it("gives the same events however the bytes are split, or when the server speaks before the client's choice is read", () => {
    expect(everySplitAgrees(vnc, accepted).mismatch).toBeUndefined();
    expect(feedByteByByte(vnc, accepted)).toEqual(feed(vnc, accepted));
    const early: Segment[] = [
      accepted[0],
      accepted[1],
      accepted[2],
      accepted[4],
      accepted[3],
      ...accepted.slice(5),
    ] as Segment[];
    expect(lines(feed(vnc, early))).toEqual(lines(feed(vnc, accepted)));
    // Each parse call tells only events of the direction it was given, even when the server's challenge and result
    // are read before the client's choice (they wait for the server's next chunk).
    const reordered: Segment[] = [
      ...accepted.slice(0, 3),
      ['to-client', concat(challenge, hex('00000000'))],
      ...accepted.slice(3, 4),
      ...accepted.slice(5, 6),
      ...accepted.slice(7),
    ];
    expect(lines(feed(vnc, reordered))).toEqual(lines(feed(vnc, accepted)));
    const parser = vnc.createParser();
    for (const [direction, bytes] of reordered)
      for (const event of parser.parse(bytes, direction, 1)) expect(event.direction).toBe(direction);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(vnc, 2, 0x5900)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(vnc, ['to-client', v38]).randomMatches).toBe(0);
  });
});
