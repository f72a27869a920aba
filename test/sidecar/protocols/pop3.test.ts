import { describe, expect, it } from 'vitest';
import { pop3 } from '#sidecar/protocols/pop3.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';
import { eventLines } from './event-lines.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = eventLines;

// RFC 1939 §10's example session, with a refused password first and a message whose lines look like commands.
const session: Segment[] = [
  ['to-client', ascii('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n')],
  ['to-server', ascii('USER mrose\r\nPASS wrong\r\n')],
  ['to-client', ascii('+OK mrose is a real hoopy frood\r\n-ERR invalid password\r\n')],
  ['to-server', ascii('USER mrose\r\n')],
  ['to-client', ascii('+OK\r\n')],
  ['to-server', ascii('PASS tanstaaf\r\n')],
  ['to-client', ascii("+OK mrose's maildrop has 2 messages (320 octets)\r\n")],
  ['to-server', ascii('STAT\r\nLIST\r\n')],
  ['to-client', ascii('+OK 2 320\r\n+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n')],
  ['to-server', ascii('RETR 1\r\n')],
  [
    'to-client',
    ascii('+OK 120 octets\r\nSubject: test\r\n\r\n-ERR not a reply\r\n+OK nor this\r\n..dot\r\n.\r\n'),
  ],
  ['to-server', ascii('DELE 1\r\nQUIT\r\n')],
  ['to-client', ascii('+OK message 1 deleted\r\n+OK dewey POP3 server signing off\r\n')],
];

describe('pop3 detect', () => {
  it('matches a +OK greeting with text, and commands only POP3 has', () => {
    expect(pop3.detect(ascii('+OK Dovecot (Debian) ready.\r\n'), 'to-client')).toBe('match');
    expect(pop3.detect(ascii('+OK'), 'to-client')).toBe('need-more');
    expect(pop3.detect(ascii('CAPA\r\n'), 'to-server')).toBe('match');
    expect(pop3.detect(ascii('AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n'), 'to-server')).toBe('match');
    expect(pop3.detect(ascii('USER mrose\r\n'), 'to-server')).toBe('need-more');
    expect(pop3.detect(ascii('USER mrose\r\nPASS x\r\nSTAT\r\n'), 'to-server')).toBe('match');
  });

  it("rejects Redis's bare +OK, FTP's and SMTP's commands, and AUTH TLS", () => {
    expect(pop3.detect(ascii('+OK\r\n'), 'to-client')).toBe('no-match');
    expect(pop3.detect(ascii('+PONG\r\n'), 'to-client')).toBe('no-match');
    expect(pop3.detect(ascii('USER a\r\nPASS b\r\nSYST\r\n'), 'to-server')).toBe('no-match');
    expect(pop3.detect(ascii('AUTH TLS\r\n'), 'to-server')).toBe('no-match');
    expect(pop3.detect(ascii('EHLO x\r\n'), 'to-server')).toBe('no-match');
  });

  it('is chosen by the whole engine, and a Redis conversation stays Redis', () => {
    expect(engineLabel(session)).toBe('pop3');
    expect(
      engineLabel([
        ['to-server', ascii('*1\r\n$4\r\nPING\r\n')],
        ['to-client', ascii('+OK fine\r\n')],
      ]),
    ).toBe('redis');
  });

  itRejectsForeignBytes(pop3, ['pop3']);
});

describe('pop3 parser', () => {
  it('emits commands without passwords, login outcomes, and passes over listings and messages', () => {
    expect(ops(feed(pop3, session))).toEqual([
      'C USER mrose',
      'C PASS user=mrose',
      'S login refused mrose',
      'C USER mrose',
      'C PASS user=mrose',
      'S login ok mrose',
      'C STAT',
      'C LIST',
      'C RETR 1',
      'C DELE 1',
      'C QUIT',
    ]);
    expect(JSON.stringify(feed(pop3, session))).not.toMatch(/tanstaaf|wrong/);
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(pop3, session).mismatch).toBeUndefined();
  });

  it('keeps SASL responses out of events (RFC 5034) and reads TLS, not POP3, after STLS is accepted (RFC 2595)', () => {
    const events = feed(pop3, [
      ['to-client', ascii('+OK ready\r\n')],
      ['to-server', ascii('AUTH\r\n')],
      ['to-client', ascii('+OK methods\r\nPLAIN\r\nLOGIN\r\n.\r\n')],
      ['to-server', ascii('AUTH LOGIN\r\n')],
      ['to-client', ascii('+ VXNlcm5hbWU6\r\n')],
      ['to-server', ascii('YWxpY2U=\r\n')],
      ['to-client', ascii('+ UGFzc3dvcmQ6\r\n')],
      ['to-server', ascii('czNjcmV0\r\n')],
      ['to-client', ascii('-ERR [AUTH] Authentication failed.\r\n')],
      ['to-server', ascii('STLS\r\n')],
      ['to-client', ascii('+OK Begin TLS negotiation now.\r\n')],
      ['to-server', concat(clientHelloSample, ascii('USER not-parsed\r\n'))],
    ]);
    expect(ops(events)).toEqual([
      'C AUTH',
      'C AUTH LOGIN',
      'S login refused sasl alice',
      'C STLS',
      'C TLS record',
      'C TLS ClientHello sni=api.example.com',
    ]);
    expect(JSON.stringify(events)).not.toMatch(/YWxpY2U|czNjcmV0/);
  });

  it('reads a command pipelined after AUTH with an initial response as a command, not a SASL answer', () => {
    const events = feed(pop3, [
      ['to-client', ascii('+OK ready\r\n')],
      ['to-server', ascii('AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\nSTAT\r\n')],
      ['to-client', ascii('+OK Logged in.\r\n+OK 0 0\r\n')],
    ]);
    expect(ops(events)).toEqual(['C AUTH PLAIN', 'C STAT', 'S login ok sasl alice']);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(pop3, 2, 0x9093)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(pop3, session[0] as Segment).randomMatches).toBe(0);
    expect(contractCheck(pop3, session[1] as Segment).randomMatches).toBe(0);
  });
});
