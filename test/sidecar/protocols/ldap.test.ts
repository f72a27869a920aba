import { describe, expect, it } from 'vitest';
import { ldap } from '#sidecar/protocols/ldap.ts';
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
  tlv,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample, samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

// Built by hand from RFC 4511 (§4.1.1 LDAPMessage, §4.2 Bind, §4.5 Search, §4.3 Unbind, §4.14 StartTLS) with
// BER definite lengths (X.690 §8.1.3). Cross-checked once with Wireshark's LDAP dissector: the messages below were
// written to a pcap with text2pcap and tshark 4.0.17 decoded each as the operation named, with no malformed warnings.
const int = (n: number): Uint8Array => tlv(0x02, Uint8Array.of(n));
const octets = (s: string): Uint8Array => tlv(0x04, ascii(s));
const msg = (id: number, op: Uint8Array, controls?: Uint8Array): Uint8Array =>
  tlv(0x30, int(id), op, ...(controls ? [controls] : []));

const bind = msg(1, tlv(0x60, int(3), octets('cn=admin,dc=example,dc=org'), tlv(0x80, ascii('secret'))));
const bindFailed = msg(
  1,
  tlv(
    0x61,
    tlv(0x0a, Uint8Array.of(49)),
    octets(''),
    octets('80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error'),
  ),
);
const search = msg(
  2,
  tlv(
    0x63,
    octets('dc=example,dc=org'),
    tlv(0x0a, Uint8Array.of(2)),
    tlv(0x0a, Uint8Array.of(0)),
    int(0),
    int(0),
    tlv(0x01, Uint8Array.of(0)),
    tlv(0xa3, octets('uid'), octets('alice')),
    tlv(0x30),
  ),
);
const entry = msg(2, tlv(0x64, octets('uid=alice,dc=example,dc=org'), tlv(0x30)));
const done = msg(2, tlv(0x65, tlv(0x0a, Uint8Array.of(0)), octets(''), octets('')));
// A paged-results control ([0] Controls, RFC 4511 §4.1.11) after the operation.
const searchWithControl = msg(
  3,
  tlv(
    0x63,
    octets('ou=people,dc=example,dc=org'),
    tlv(0x0a, Uint8Array.of(1)),
    tlv(0x0a, Uint8Array.of(0)),
    int(0),
    int(0),
    tlv(0x01, Uint8Array.of(0)),
    tlv(0x87, ascii('objectClass')),
    tlv(0x30),
  ),
  tlv(0xa0, tlv(0x30, octets('1.2.840.113556.1.4.319'), tlv(0x04, tlv(0x30, int(100), octets(''))))),
);
const unbind = hex('30 05 020104 4200');
const startTls = msg(5, tlv(0x77, tlv(0x80, ascii('1.3.6.1.4.1.1466.20037'))));
const startTlsOk = msg(5, tlv(0x78, tlv(0x0a, Uint8Array.of(0)), octets(''), octets('')));

describe('ldap detect', () => {
  it('matches a minimal unbind and realistic bind and search requests', () => {
    expect(ldap.detect(unbind, 'to-server')).toBe('match');
    expect(ldap.detect(bind, 'to-server')).toBe('match');
    expect(ldap.detect(search, 'to-server')).toBe('match');
    expect(ldap.detect(searchWithControl, 'to-server')).toBe('match');
  });

  it('matches responses from the server', () => {
    expect(ldap.detect(concat(entry, done), 'to-client')).toBe('match');
    expect(ldap.detect(bindFailed, 'to-client')).toBe('match');
  });

  it('needs more on a too-short prefix', () => {
    for (const n of [1, 2, 4, 6, 20]) expect(ldap.detect(bind.subarray(0, n), 'to-server')).toBe('need-more');
  });

  it('rejects a response tag from the client, a bad bind version, message id 0 and a length that overruns', () => {
    expect(ldap.detect(done, 'to-server')).toBe('no-match');
    expect(ldap.detect(msg(1, tlv(0x60, int(9), octets(''), tlv(0x80))), 'to-server')).toBe('no-match');
    expect(ldap.detect(msg(0, tlv(0x60, int(3), octets(''), tlv(0x80))), 'to-server')).toBe('no-match');
    expect(ldap.detect(hex('30 07 020101 60 09 020103 0400'), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('ldap')) {
      expect([sample.protocol, ldap.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('ldap parser', () => {
  const session: Segment[] = [
    ['to-server', bind],
    ['to-client', bindFailed],
    ['to-server', concat(search, searchWithControl)],
    ['to-client', concat(entry, done)],
    ['to-server', unbind],
  ];
  const op = (direction: string, operation: string, detail?: string) => ({
    kind: 'operation',
    direction,
    protocol: 'ldap',
    operation,
    ...(detail ? { detail } : {}),
  });
  const expected = [
    op('to-server', 'bindRequest', 'dn=cn=admin,dc=example,dc=org auth=simple'),
    op(
      'to-client',
      'bindResponse',
      'result=49 invalidCredentials: 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error',
    ),
    // The refused bind is also a failed login, for password-guessing detection.
    {
      kind: 'db-auth',
      direction: 'to-client',
      dialect: 'ldap',
      ok: false,
      user: 'cn=admin,dc=example,dc=org',
    },
    op('to-server', 'searchRequest', 'base=dc=example,dc=org'),
    op('to-server', 'searchRequest', 'base=ou=people,dc=example,dc=org'),
    op('to-client', 'searchResDone', 'result=0 success'),
    op('to-server', 'unbindRequest'),
  ];

  it('says how a bind authenticates (simple, SASL and its mechanism, or anonymous), never with what', () => {
    const anonymous = msg(2, tlv(0x60, int(3), octets(''), tlv(0x80, ascii(''))));
    const sasl = msg(3, tlv(0x60, int(3), octets(''), tlv(0xa3, octets('GSSAPI'), octets('token'))));
    const details = feed(ldap, [['to-server', concat(bind, anonymous, sasl)]]).map(
      (e) => (e as { detail?: string }).detail,
    );
    expect(details).toEqual(['dn=cn=admin,dc=example,dc=org auth=simple', 'dn=', 'dn= auth=sasl:GSSAPI']);
    expect(details.join(' ')).not.toContain('secret');
  });

  it('emits operations with DNs and result codes, never the bind password', () => {
    const events = feed(ldap, session);
    expect(events).toEqual(expected);
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(ldap, session).mismatch).toBeUndefined();
    expect(feedByteByByte(ldap, session)).toEqual(expected);
  });

  it('turns bind results into login outcomes: success and refusals, not anonymous binds or SASL steps', () => {
    const result = (id: number, code: number) =>
      msg(id, tlv(0x61, tlv(0x0a, Uint8Array.of(code)), octets(''), octets('')));
    const anonymous = msg(3, tlv(0x60, int(3), octets(''), tlv(0x80, ascii(''))));
    const logins = feed(ldap, [
      ['to-server', bind],
      ['to-client', result(1, 0)],
      ['to-server', anonymous],
      ['to-client', result(3, 0)],
      ['to-server', bind],
      ['to-client', result(4, 14)],
      ['to-client', result(4, 53)],
    ]).filter((e) => (e as { kind: string }).kind === 'db-auth');
    expect(logins).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'ldap',
        ok: true,
        user: 'cn=admin,dc=example,dc=org',
      },
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'ldap',
        ok: false,
        user: 'cn=admin,dc=example,dc=org',
      },
    ]);
  });

  it('reads TLS, not LDAP, after a successful StartTLS (RFC 4511 §4.14.2)', () => {
    const events = feed(ldap, [
      ['to-server', startTls],
      ['to-client', startTlsOk],
      ['to-server', concat(clientHelloSample, bind)],
    ]);
    expect(events.slice(0, 2)).toEqual([
      op('to-server', 'extendedRequest', 'oid=1.3.6.1.4.1.1466.20037'),
      op('to-client', 'extendedResponse', 'result=0 success'),
    ]);
    expect(events.slice(2).map((e) => (e as { kind: string }).kind)).toEqual([
      'tls-record',
      'tls-client-hello',
    ]);
    expect(events[3]).toMatchObject({ sni: 'api.example.com' });
  });

  it('stays in the clear when StartTLS is refused and another extended operation then succeeds', () => {
    // A client behind a server without TLS: StartTLS refused (52 unavailable), then Who am I? (RFC 4532) succeeds.
    // Only the response with the StartTLS request's message ID may accept it (RFC 4511 §4.14.2).
    const refused = msg(5, tlv(0x78, tlv(0x0a, Uint8Array.of(52)), octets(''), octets('')));
    const whoami = msg(6, tlv(0x77, tlv(0x80, ascii('1.3.6.1.4.1.4203.1.11.3'))));
    const whoamiOk = msg(6, tlv(0x78, tlv(0x0a, Uint8Array.of(0)), octets(''), octets('')));
    const pipelined = feed(ldap, [
      ['to-server', concat(whoami, startTls)],
      ['to-client', whoamiOk],
      ['to-server', bind],
    ]);
    expect(pipelined).toContainEqual(
      op('to-server', 'bindRequest', 'dn=cn=admin,dc=example,dc=org auth=simple'),
    );
    const events = feed(ldap, [
      ['to-server', startTls],
      ['to-client', refused],
      ['to-server', whoami],
      ['to-client', whoamiOk],
      ['to-server', bind],
    ]);
    expect(events.at(-1)).toEqual(
      op('to-server', 'bindRequest', 'dn=cn=admin,dc=example,dc=org auth=simple'),
    );
  });

  it('reads a message longer than 255 bytes (long-form length)', () => {
    const long = msg(9, tlv(0x68, octets(`cn=${'x'.repeat(300)},dc=example,dc=org`), tlv(0x30)));
    expect(long[1]).toBe(0x82);
    expect(ldap.detect(long, 'to-server')).toBe('match');
    expect(feed(ldap, [['to-server', long]])).toHaveLength(1);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(ldap, ['to-server', bind]).randomMatches).toBe(0);
  });
});

describe('ldap among every registered protocol (engine order, first match wins)', () => {
  it('labels a session ldap from either side', () => {
    expect(
      engineLabel([
        ['to-server', bind],
        ['to-client', bindFailed],
      ]),
    ).toBe('ldap');
    expect(engineLabel([['to-client', concat(entry, done)]])).toBe('ldap');
  });
});
