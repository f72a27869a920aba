import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { kerberos } from '#sidecar/protocols/kerberos.ts';
import { dbAuthBruteForce } from '#sidecar/threats/db-auth-brute-force.ts';
import { kerberoasting } from '#sidecar/threats/kerberoasting.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  feed,
  feedByteByByte,
  octetsCopied,
  type Segment,
  tlv,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from '../threats/threat-factories.ts';
import { eventLines } from './event-lines.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

// DER built from RFC 4120's ASN.1 (§5.4.1 KDC-REQ, §5.4.2 KDC-REP, §5.9.1 KRB-ERROR).
const ctx = (n: number, value: Uint8Array) => tlv(0xa0 + n, value);
const int = (n: number) => tlv(0x02, Uint8Array.of(n));
const str = (s: string) => tlv(0x1b, ascii(s));
const name = (...parts: string[]) => tlv(0x30, ctx(0, int(1)), ctx(1, tlv(0x30, ...parts.map(str))));
const realm = 'SHOP.TEST';

const asReq = (user: string, preauth: boolean) =>
  tlv(
    0x6a,
    tlv(
      0x30,
      ctx(1, int(5)),
      ctx(2, int(10)),
      ...(preauth
        ? [ctx(3, tlv(0x30, tlv(0x30, ctx(1, int(2)), ctx(2, tlv(0x04, ascii('encrypted timestamp'))))))]
        : []),
      ctx(
        4,
        tlv(
          0x30,
          ctx(0, tlv(0x03, Uint8Array.of(0, 0x40, 0, 0, 0x10))),
          ctx(1, name(user)),
          ctx(2, str(realm)),
          ctx(3, name('krbtgt', realm)),
        ),
      ),
    ),
  );
const krbError = (code: number, user: string) =>
  tlv(
    0x7e,
    tlv(
      0x30,
      ctx(0, int(5)),
      ctx(1, int(30)),
      ctx(4, tlv(0x18, ascii('20261127163000Z'))),
      ctx(5, int(7)),
      ctx(6, int(code)),
      ctx(7, str(realm)),
      ctx(8, name(user)),
      ctx(9, str(realm)),
      ctx(10, name('krbtgt', realm)),
    ),
  );
const asRep = (user: string) =>
  tlv(
    0x6b,
    tlv(
      0x30,
      ctx(0, int(5)),
      ctx(1, int(11)),
      ctx(3, str(realm)),
      ctx(4, name(user)),
      ctx(5, tlv(0x61, tlv(0x30))),
      ctx(6, tlv(0x30)),
    ),
  );
const tgsReq = (service: string, etypes: number[] = []) =>
  tlv(
    0x6c,
    tlv(
      0x30,
      ctx(1, int(5)),
      ctx(2, int(12)),
      ctx(
        4,
        tlv(
          0x30,
          ctx(0, tlv(0x03, Uint8Array.of(0, 0x40, 0, 0, 0))),
          ctx(2, str(realm)),
          ctx(3, name(service)),
          ...(etypes.length === 0 ? [] : [ctx(8, tlv(0x30, ...etypes.map(int)))]),
        ),
      ),
    ),
  );
/** TCP framing (§7.2.2): a 4-octet big-endian length before each message. */
const record = (message: Uint8Array) => {
  const out = new Uint8Array(4 + message.length);
  new DataView(out.buffer).setUint32(0, message.length);
  out.set(message, 4);
  return out;
};

// An MIT kinit with a wrong password, then the right one: PREAUTH_REQUIRED first, then the encrypted timestamp.
const wrongPassword: Segment[] = [
  ['to-server', asReq('alice', false)],
  ['to-client', krbError(25, 'alice')],
  ['to-server', asReq('alice', true)],
  ['to-client', krbError(24, 'alice')],
];

describe('kerberos detect', () => {
  it('matches a whole message over UDP, and a TCP record holding one', () => {
    expect(kerberos.detect(asReq('alice', false), 'to-server')).toBe('match');
    expect(kerberos.detect(krbError(24, 'alice'), 'to-client')).toBe('match');
    expect(kerberos.detect(record(asReq('alice', true)), 'to-server')).toBe('match');
    expect(kerberos.detect(record(asRep('alice')), 'to-client')).toBe('match');
  });

  it('waits for the rest of a record or a message, and refuses wrong versions, types and lengths', () => {
    const whole = record(asReq('alice', false));
    expect(kerberos.detect(whole.subarray(0, 3), 'to-server')).toBe('need-more');
    expect(kerberos.detect(whole.subarray(0, 20), 'to-server')).toBe('need-more');
    const v4 = asReq('alice', false).slice();
    v4[v4.indexOf(0x05)] = 0x04; // pvno 4
    expect(kerberos.detect(v4, 'to-server')).toBe('no-match');
    expect(kerberos.detect(tlv(0x6a, tlv(0x30, ctx(1, int(5)), ctx(2, int(12)))), 'to-server')).toBe(
      'no-match',
    );
    expect(kerberos.detect(Uint8Array.of(0, 0, 0, 4, 0x6a, 2, 0x30, 0), 'to-server')).toBe('no-match');
    expect(kerberos.detect(ascii('GET / HTTP/1.1\r\n\r\n'), 'to-server')).toBe('no-match');
  });

  it('is chosen by the whole engine over TCP', () => {
    expect(engineLabel(wrongPassword.map(([d, b]): Segment => [d, record(b)]))).toBe('kerberos');
  });

  itRejectsForeignBytes(kerberos, ['kerberos']);
});

describe('kerberos parser', () => {
  it('reads the AS exchange: principals, error codes, and a refused password as a failed login', () => {
    expect(eventLines(feed(kerberos, wrongPassword))).toEqual([
      'C AS-REQ client=alice@SHOP.TEST service=krbtgt/SHOP.TEST',
      'S KRB-ERROR error=25 KDC_ERR_PREAUTH_REQUIRED',
      'C AS-REQ client=alice@SHOP.TEST service=krbtgt/SHOP.TEST',
      'S KRB-ERROR error=24 KDC_ERR_PREAUTH_FAILED',
      'S login refused alice@SHOP.TEST',
    ]);
  });

  it('reads TCP records split anywhere, and an AS-REP as a login that worked', () => {
    const stream = concat(record(asReq('bob', true)), record(asRep('bob')));
    const events = feed(kerberos, [
      ['to-server', stream.subarray(0, 7)],
      ['to-server', stream.subarray(7, record(asReq('bob', true)).length)],
      ['to-client', stream.subarray(record(asReq('bob', true)).length)],
    ]);
    expect(eventLines(events)).toEqual([
      'C AS-REQ client=bob@SHOP.TEST service=krbtgt/SHOP.TEST',
      'S AS-REP client=bob@SHOP.TEST',
      'S login ok bob@SHOP.TEST',
    ]);
  });

  it('reads a 30 KiB TCP record fed one octet at a time in linear work, the same as fed whole', () => {
    const padata = tlv(0x30, tlv(0x30, ctx(1, int(2)), ctx(2, tlv(0x04, new Uint8Array(30_000).fill(0x41)))));
    const big = tlv(
      0x6a,
      tlv(
        0x30,
        ctx(1, int(5)),
        ctx(2, int(10)),
        ctx(3, padata),
        ctx(4, tlv(0x30, ctx(1, name('bob')), ctx(2, str(realm)))),
      ),
    );
    const segments: Segment[] = [
      ['to-server', record(big)],
      ['to-client', record(krbError(24, 'bob'))],
    ];
    const whole = eventLines(feed(kerberos, segments));
    expect(whole).toEqual([
      'C AS-REQ client=bob@SHOP.TEST',
      'S KRB-ERROR error=24 KDC_ERR_PREAUTH_FAILED',
      'S login refused bob@SHOP.TEST',
    ]);
    let events: unknown[] = [];
    const copied = octetsCopied(() => {
      events = feedByteByByte(kerberos, segments);
    });
    expect(eventLines(events)).toEqual(whole);
    // Joining each octet onto what came before copies 30000²/2 octets.
    expect(copied).toBeLessThan(4 * (record(big).length + record(krbError(24, 'bob')).length));
  });

  it('marks an AS-REP that answered an AS-REQ without pre-authentication (what AS-REP roasting collects)', () => {
    const events = feed(kerberos, [
      ['to-server', asReq('carol', false)],
      ['to-client', asRep('carol')],
    ]);
    expect(eventLines(events)).toEqual([
      'C AS-REQ client=carol@SHOP.TEST service=krbtgt/SHOP.TEST',
      'S AS-REP client=carol@SHOP.TEST without-preauth',
      'S login ok carol@SHOP.TEST',
    ]);
  });

  it('counts only the errors that refuse the password or the account as refused logins (RFC 4120 §7.5.9)', () => {
    const answer = (code: number) =>
      (
        feed(kerberos, [
          ['to-server', asReq('alice', true)],
          ['to-client', krbError(code, 'alice')],
        ]) as { kind: string; message?: string }[]
      )
        .filter((e) => e.kind === 'db-auth')
        .map((e) => e.message);
    // Wrong password (older Windows DCs answer one with BAD_INTEGRITY), no such user, an account that may not log in.
    for (const [code, name] of [
      [24, 'KDC_ERR_PREAUTH_FAILED'],
      [31, 'KRB_AP_ERR_BAD_INTEGRITY'],
      [6, 'KDC_ERR_C_PRINCIPAL_UNKNOWN'],
      [18, 'KDC_ERR_CLIENT_REVOKED'],
      [23, 'KDC_ERR_KEY_EXPIRED'],
      [1, 'KDC_ERR_NAME_EXP'],
    ] as const)
      expect(answer(code), name).toEqual([name]);
    // The first round of every login, the clock, policy, encryption types, a wrong service, retry over TCP, a referral.
    for (const code of [25, 37, 12, 14, 7, 52, 68, 41, 60]) expect(answer(code), `code ${code}`).toEqual([]);
  });

  it('ends a login at an error that says nothing about the password: a later refusal of a TGS request is not one', () => {
    const events = feed(kerberos, [
      ['to-server', asReq('alice', true)],
      ['to-client', krbError(37, 'alice')],
      ['to-server', tgsReq('cifs')],
      ['to-client', krbError(6, 'alice')],
    ]);
    expect(eventLines(events)).toEqual([
      'C AS-REQ client=alice@SHOP.TEST service=krbtgt/SHOP.TEST',
      'S KRB-ERROR error=37 KRB_AP_ERR_SKEW',
      'C TGS-REQ service=cifs',
      'S KRB-ERROR error=6 KDC_ERR_C_PRINCIPAL_UNKNOWN',
    ]);
  });

  it('reads every encryption type a request lists: RC4 or DES after 16 others is still told, and feeds kerberoasting', () => {
    // AES and Camellia types, repeated: a KDC reads the whole list (RFC 4120 §5.4.1 bounds it by the message only).
    const strong = Array.from({ length: 20 }, (_, i) => [18, 17, 20, 19, 26, 25][i % 6] as number);
    const lines = eventLines(
      feed(kerberos, [['to-server', tgsReq('MSSQLSvc/db', [...strong, 23, 17, 3, 23])]]),
    );
    expect(lines).toEqual([`C TGS-REQ service=MSSQLSvc/db etypes=${strong.slice(0, 16).join(',')},23,3`]);
    const kdc = flow({ protocol: 'kerberos', server: { ip: '10.0.0.9', port: 88 } });
    const roast = Array.from({ length: 8 }, (_, i) =>
      feed(kerberos, [['to-server', tgsReq(`MSSQLSvc/db${i}`, [...strong, 23])]]).map((e) => ({
        ...(e as ProtocolEvent),
        ts: 1000 + i,
      })),
    ).flat();
    const hits = runThreat(kerberoasting, roast, { flow: kdc });
    expect(hits.map((h) => h.confidence)).toEqual([0.9]);
    expect(hits[0]?.evidence).toContain('RC4 (etype 23) asked for');
  });

  it('feeds db-auth-brute-force: a client whose clock is off is no guesser; wrong passwords as BAD_INTEGRITY are', () => {
    const tries = (code: number) =>
      Array.from({ length: 12 }, (_, i) =>
        feed(kerberos, [
          ['to-server', record(asReq(`user${i}`, true))],
          ['to-client', record(krbError(code, `user${i}`))],
        ]).map((e) => ({ ...(e as ProtocolEvent), ts: 1000 + i })),
      ).flat();
    const kdc = flow({ protocol: 'kerberos', server: { ip: '10.0.0.9', port: 88 } });
    expect(runThreat(dbAuthBruteForce, tries(37), { flow: kdc })).toEqual([]);
    expect(runThreat(dbAuthBruteForce, tries(31), { flow: kdc }).map((h) => h.evidence)).toEqual([
      '10 failed kerberos logins within 60000 ms for 10 user name(s)',
    ]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(kerberos, 2, 0x4b5)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(kerberos, ['to-server', record(asReq('alice', false))]).randomMatches).toBe(0);
    expect(contractCheck(kerberos, ['to-server', asReq('alice', false)]).randomMatches).toBe(0);
  });
});
