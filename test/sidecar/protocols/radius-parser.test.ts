/** The RADIUS parser on FreeRADIUS 3.2.1's and radclient's own exchanges (radius-messages.ts). */
import { describe, expect, it } from 'vitest';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { createRadiusParser } from '#sidecar/protocols/radius-parser.ts';
import { concat, hex, prng, randomBytes } from '#test/fixtures/protocols/protocol-harness.ts';
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

const exchange = (...datagrams: [Direction, Uint8Array][]): ProtocolEvent[] => {
  const parser = createRadiusParser();
  return datagrams.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i + 1));
};

const pair = (request: Uint8Array, response: Uint8Array) =>
  exchange(['to-server', request], ['to-client', response]);

describe('radius parser', () => {
  it('tells a PAP login: the request with its NAS and station, the user shortened, the accept paired with it', () => {
    expect(pair(papRequest, papAccept)).toEqual([
      {
        kind: 'operation',
        ts: 1,
        direction: 'to-server',
        protocol: 'radius',
        operation: 'Access-Request',
        detail:
          'id=32 auth=pap message-authenticator=no user="al… (5)" nas-ip=10.0.0.1 nas-id="ap-1" calling="02-00-00-00-00-01"',
      },
      {
        kind: 'operation',
        ts: 2,
        direction: 'to-client',
        protocol: 'radius',
        operation: 'Access-Accept',
        detail: 'id=32 answers=Access-Request auth=pap message-authenticator=no reply="Hello, alice"',
        radiusAnswer: {
          answer: 'Access-Accept',
          method: 'pap',
          eap: false,
          requestAuthenticator: false,
          responseAuthenticator: false,
        },
      },
      {
        kind: 'db-auth',
        ts: 2,
        direction: 'to-client',
        dialect: 'radius',
        ok: true,
        user: 'alice',
        method: 'other',
      },
    ]);
  });

  it('never keeps a password, a CHAP response or an MS-CHAP challenge', () => {
    const text = JSON.stringify([
      pair(papRequest, papAccept),
      pair(chapRequest, chapAccept),
      pair(mschapRequest, mschapReject),
    ]);
    expect(text).not.toContain('wonderland');
    expect(text).not.toMatch(/886c7d4a|3708a818|3ad06d4b/);
  });

  it('names CHAP, MS-CHAP and EAP with its type, and a Message-Authenticator on either side', () => {
    const chap = pair(chapRequest, chapAccept);
    expect(chap[0]).toMatchObject({
      operation: 'Access-Request',
      detail: expect.stringContaining('auth=chap'),
    });
    expect(chap[2]).toMatchObject({ kind: 'db-auth', ok: true, method: 'md5' });
    const mschap = pair(mschapRequest, mschapReject);
    expect(mschap[0]).toMatchObject({
      detail: expect.stringContaining('auth=mschap message-authenticator=no'),
    });
    expect(mschap[2]).toMatchObject({ kind: 'db-auth', ok: false, user: 'alice' });
    const eap = pair(eapIdentity, eapChallenge);
    expect(eap.map((e) => (e.kind === 'operation' ? [e.operation, e.detail] : e.kind))).toEqual([
      ['Access-Request', 'id=12 auth=eap-identity message-authenticator=yes user="al… (5)"'],
      ['Access-Challenge', 'id=12 answers=Access-Request auth=eap-md5 message-authenticator=yes'],
    ]);
    // A challenge is no login's outcome.
    expect(eap.filter((e) => e.kind === 'db-auth')).toEqual([]);
    expect(eap[1]).toMatchObject({
      radiusAnswer: {
        answer: 'Access-Challenge',
        method: 'eap-identity',
        eap: true,
        requestAuthenticator: true,
        responseAuthenticator: true,
      },
    });
    const signed = pair(papWithAuthenticator, papWithAuthenticatorReject);
    expect(signed[1]).toMatchObject({
      radiusAnswer: { answer: 'Access-Reject', requestAuthenticator: true, responseAuthenticator: false },
    });
    expect(signed[2]).toMatchObject({ kind: 'db-auth', ok: false });
  });

  it('names an accounting request by its status, and its response', () => {
    const events = pair(accountingStart, accountingResponse);
    expect(events.map((e) => (e.kind === 'operation' ? [e.operation, e.detail] : e.kind))).toEqual([
      ['Accounting-Request start', 'id=28 message-authenticator=no user="al… (5)" nas-ip=10.0.0.1'],
      ['Accounting-Response', 'id=28 answers=Accounting-Request message-authenticator=no'],
    ]);
  });

  it('pairs by identifier: an unknown user refused, an answer to no request told without a login', () => {
    expect(pair(bobRequest, bobReject)[2]).toEqual({
      kind: 'db-auth',
      ts: 2,
      direction: 'to-client',
      dialect: 'radius',
      ok: false,
      user: 'bob',
      method: 'other',
    });
    const unasked = exchange(['to-client', papAccept]);
    expect(unasked).toMatchObject([
      { operation: 'Access-Accept', detail: 'id=32 message-authenticator=no reply="Hello, alice"' },
    ]);
    // A second copy of the answer is not a second login; a request with another identifier is not answered by it.
    const twice = exchange(['to-server', papRequest], ['to-client', papAccept], ['to-client', papAccept]);
    expect(twice.filter((e) => e.kind === 'db-auth')).toHaveLength(1);
    const other = exchange(['to-server', chapRequest], ['to-client', papAccept]);
    expect(other.filter((e) => e.kind === 'db-auth')).toEqual([]);
  });

  it('passes over what is no packet, and packets from the wrong side', () => {
    expect(exchange(['to-client', papRequest], ['to-server', papAccept])).toEqual([]);
    expect(exchange(['to-server', concat(papRequest, hex('00'))])).toEqual([]);
    const next = prng(0x7ad1);
    const parser = createRadiusParser();
    for (let i = 0; i < 500; i++) {
      const bytes = randomBytes(next, 1 + (i % 90));
      expect(() => parser.parse(bytes, i % 2 === 0 ? 'to-server' : 'to-client', i)).not.toThrow();
    }
  });

  it('reads Reply-Messages in order, NAS-IPv6-Address, Proxy-State, and statuses it does not name', () => {
    const attribute = (type: number, value: Uint8Array) =>
      concat(Uint8Array.of(type, value.length + 2), value);
    const body = concat(
      attribute(95, hex('20010db8000000000000000000000001')),
      attribute(33, hex('01')),
      attribute(33, hex('02')),
      attribute(40, hex('00000063')),
    );
    const request = concat(Uint8Array.of(4, 9, 0, 20 + body.length), new Uint8Array(16), body);
    expect(exchange(['to-server', request])).toMatchObject([
      {
        operation: 'Accounting-Request status-99',
        detail: 'id=9 message-authenticator=no proxy-state=2 nas-ip=2001:db8::1',
      },
    ]);
    const replies = concat(attribute(18, Buffer.from('one ')), attribute(18, Buffer.from('two')));
    const reject = concat(Uint8Array.of(3, 9, 0, 20 + replies.length), new Uint8Array(16), replies);
    expect(exchange(['to-client', reject])).toMatchObject([
      { detail: 'id=9 message-authenticator=no reply="one two"' },
    ]);
  });
});
