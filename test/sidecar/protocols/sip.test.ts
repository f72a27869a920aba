/** SIP detection and parsing on kamailio's, sipsak's and SIPVicious's own bytes (sip-messages.ts), and hand-made edges. */
import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { sip, sipStream } from '#sidecar/protocols/sip.ts';
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
import { sipCaptured } from '#test/fixtures/protocols/sip-messages.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

const m = (name: keyof typeof sipCaptured): Uint8Array => hex(sipCaptured[name]);
const operations = (events: readonly unknown[]) =>
  (events as ProtocolEvent[]).filter((e) => e.kind === 'operation');
const logins = (events: readonly unknown[]) =>
  (events as ProtocolEvent[]).filter((e): e is DbAuthEvent => e.kind === 'db-auth');

const tcpFlow: Segment[] = [
  ['to-server', m('sipsakTcpRegister')],
  ['to-client', m('sipsakTcpUnauthorized')],
  ['to-server', m('sipsakTcpAuthorized')],
  ['to-client', m('sipsakTcpOk')],
];

describe('sip detection', () => {
  it('takes every captured message, from either side, and asks for more on each of its prefixes', () => {
    for (const [name, text] of Object.entries(sipCaptured)) {
      const bytes = hex(text);
      for (const direction of ['to-server', 'to-client'] as const) {
        expect(sip.detect(bytes, direction), name).toBe('match');
        for (let n = 0; n < 40; n++)
          expect(sip.detect(bytes.subarray(0, n), direction), `${name} ${n}`).toBe('need-more');
      }
      // Never refused on the way: a prefix is need-more until the five fields are in.
      for (let n = 0; n < bytes.length; n++)
        expect(sip.detect(bytes.subarray(0, n), 'to-server'), `${name} ${n}`).not.toBe('no-match');
    }
  });

  it("refuses every other protocol's first bytes, HTTP, RTSP and SSDP lines that look like SIP, and random bytes", () => {
    for (const sample of samplesExcept('sip'))
      expect(sip.detect(sample.bytes, sample.direction), sample.protocol).not.toBe('match');
    for (const text of [
      'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
      'OPTIONS rtsp://cam/stream RTSP/1.0\r\nCSeq: 1\r\n\r\n',
      'RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nVia: 1.1 proxy\r\n\r\n',
      'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n',
      'INFO\r\n',
      'MESSAGE\ndestination:/queue/a\n\n\0',
      'SUB foo 1\r\n',
      'INVITE sip:bob@example.com HTTP/1.1\r\n',
      'REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP a\r\nTo: <sip:a@b>\r\n\r\n',
      'REGISTER sip:example.com SIP/2.0\r\nthis is no header\r\n',
      'register sip:example.com SIP/2.0\r\n',
    ])
      expect(sip.detect(ascii(text), 'to-server'), text).toBe('no-match');
    expect(contractCheck(sip, ['to-server', m('svmapOptions')]).randomMatches).toBe(0);
    expect(contractCheck(sipStream, ['to-client', m('sipsakTcpOk')]).randomMatches).toBe(0);
  });

  it('takes a stream that starts with keep-alive CRLFs (RFC 5626), a tel URI and a status line with no reason', () => {
    expect(sipStream.detect(concat(ascii('\r\n\r\n'), m('sipsakTcpOptions')), 'to-server')).toBe('match');
    const head =
      '\r\nVia: SIP/2.0/UDP a\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nFrom: <tel:+4930>;tag=1\r\nTo: <tel:+4931>\r\n\r\n';
    expect(sip.detect(ascii(`INVITE tel:+4931 SIP/2.0${head}`), 'to-server')).toBe('match');
    expect(sip.detect(ascii(`SIP/2.0 180 ${head}`), 'to-client')).toBe('match');
  });
});

describe('sip in the registry', () => {
  it("labels SIP's INFO and MESSAGE requests sip, not Redis's inline INFO or anything else, and kamailio's flows sip", () => {
    const head =
      'Via: SIP/2.0/UDP a\r\nCall-ID: 1\r\nCSeq: 2 INFO\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@b>\r\n';
    const info = ascii(`INFO sip:c@b SIP/2.0\r\n${head}Content-Length: 0\r\n\r\n`);
    expect(engineLabel([['to-server', info]])).toBe('sip');
    expect(engineLabel([['to-server', ascii(`MESSAGE sip:c@b SIP/2.0\r\n${head}\r\n`)]])).toBe('sip');
    expect(engineLabel(tcpFlow)).toBe('sip');
    expect(engineLabel([['to-server', m('svwarRegister')]])).toBe('sip');
  });
});

describe('sip parser', () => {
  it("tells svmap's OPTIONS and kamailio's answer, paired, with the agent and the users", () => {
    const events = feed(sip, [
      ['to-server', m('svmapOptions')],
      ['to-client', m('svmapOptionsOk')],
    ]) as OperationEvent[];
    expect(events.map((e) => [e.operation, e.sip])).toEqual([
      ['OPTIONS', { method: 'OPTIONS', toUser: '100', fromUser: '100', agent: 'friendly-scanner' }],
      [
        '200 OK',
        {
          method: 'OPTIONS',
          status: 200,
          toUser: '100',
          fromUser: '100',
          agent: 'kamailio (5.6.3 (x86_64/linux))',
          answers: { toUser: '100', agent: 'friendly-scanner', authorized: false },
        },
      ],
    ]);
    expect(events[1]?.detail).toBe('cseq OPTIONS, to 100, from 100, agent kamailio (5.6.3 (x86_64/linux))');
  });

  it("reads svwar's compact headers: the To user refused, no agent", () => {
    const events = feed(sip, [
      ['to-server', m('svwarRegister1000')],
      ['to-client', m('svwarUnauthorized1000')],
    ]) as OperationEvent[];
    expect(events.map((e) => e.operation)).toEqual(['REGISTER', '401 Unauthorized']);
    expect(events[0]?.sip).toEqual({ method: 'REGISTER', toUser: '1000', fromUser: '1000' });
    expect(events[1]?.sip?.answers).toEqual({ toUser: '1000', authorized: false });
    expect(events[0]?.detail).toBe('to 1000, from 1000, contact sip:1000@127.0.0.1');
  });

  it("makes svcrack's guesses db-auth events: a wrong password refused, the right one taken; no digest kept", () => {
    const events = feed(sip, [
      ['to-server', m('svcrackWrongPassword')],
      ['to-client', m('svcrackUnauthorized')],
      ['to-server', m('svcrackRightPassword')],
      ['to-client', m('svcrackOk')],
    ]);
    expect(logins(events)).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'sip',
        ok: false,
        user: '1002',
        message: '401 Unauthorized',
        method: 'md5',
      },
      { kind: 'db-auth', direction: 'to-client', dialect: 'sip', ok: true, user: '1002', method: 'md5' },
    ]);
    const told = JSON.stringify(events);
    expect(told).toContain('"authUser":"1002","realm":"127.0.0.1"');
    expect(told).not.toMatch(/response=|nonce|ae531a408d98af41fd04bf368ef63d60/);
  });

  it('tells a challenge without credentials as no login (a REGISTER answered 401 asks, it is not refused)', () => {
    const events = feed(sip, [
      ['to-server', m('svwarRegister1000')],
      ['to-client', m('svwarUnauthorized1000')],
    ]);
    expect(logins(events)).toEqual([]);
  });

  it("reads sipsak's TCP REGISTER flow the same however it is cut, byte by byte too", () => {
    const events = feed(sipStream, tcpFlow);
    expect(operations(events).map((e) => (e as OperationEvent).operation)).toEqual([
      'REGISTER',
      '401 Unauthorized',
      'REGISTER',
      '200 OK',
    ]);
    expect(logins(events).map((e) => [e.ok, e.user])).toEqual([[true, '1001@']]);
    expect(everySplitAgrees(sipStream, tcpFlow).mismatch).toBeUndefined();
    expect(feedByteByByte(sipStream, tcpFlow)).toEqual(events);
  });

  it('frames TCP messages by Content-Length, past keep-alives, and reads a body past 64 KiB no further', () => {
    const body = 'v=0\r\n'.repeat(14_000);
    const invite =
      `INVITE sip:1002@pbx SIP/2.0\r\nVia: SIP/2.0/TCP a\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nFrom: <sip:alice:secret@pbx>;tag=1\r\n` +
      `To: <sip:1002@pbx>\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const events = feed(sipStream, [
      ['to-server', ascii(`\r\n\r\n${invite}`)],
      ['to-server', ascii('\r\n\r\n')],
      ['to-server', m('sipsakTcpOptions')],
    ]) as OperationEvent[];
    expect(events.map((e) => e.operation)).toEqual(['INVITE', 'OPTIONS']);
    // A URI's password is never told.
    expect(events[0]?.sip?.fromUser).toBe('alice');
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('stops a direction whose head runs past 64 KiB, and passes over datagrams that are no SIP', () => {
    const long = ascii(`OPTIONS sip:a@b SIP/2.0\r\nX-Pad: ${'a'.repeat(70_000)}\r\n`);
    expect(
      feed(sipStream, [
        ['to-server', long],
        ['to-server', m('sipsakTcpOptions')],
      ]),
    ).toEqual([]);
    expect(
      feed(sip, [
        ['to-server', ascii('hello')],
        ['to-server', m('sipsakOptions')],
      ]).length,
    ).toBe(1);
  });
});
