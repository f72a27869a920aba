import { describe, expect, it } from 'vitest';
import { imap } from '#sidecar/protocols/imap.ts';
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

// RFC 9051 §8's example, with a refused login first, a literal in each direction and a message body that holds
// lines shaped like tagged answers.
const body = 'Subject: hi\r\n\r\na002 OK not an answer\r\n';
const session: Segment[] = [
  ['to-client', ascii('* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=PLAIN] IMAP4rev2 Service Ready\r\n')],
  ['to-server', ascii('a001 login mrc wrong\r\n')],
  ['to-client', ascii('a001 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n')],
  ['to-server', ascii('a002 LOGIN "mrc" {8}\r\n')],
  ['to-client', ascii('+ Ready for literal data\r\n')],
  ['to-server', ascii('secretpw\r\n')],
  ['to-client', ascii('a002 OK LOGIN completed\r\n')],
  ['to-server', ascii('a003 select inbox\r\n')],
  [
    'to-client',
    ascii(
      '* 18 EXISTS\r\n* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\na003 OK [READ-WRITE] SELECT completed\r\n',
    ),
  ],
  ['to-server', ascii('a004 UID fetch 12 (BODY[])\r\n')],
  [
    'to-client',
    ascii(`* 12 FETCH (UID 12 BODY[] {${body.length}}\r\n${body})\r\na004 OK FETCH completed\r\n`),
  ],
  ['to-server', ascii('a005 IDLE\r\nDONE\r\na006 LOGOUT\r\n')],
  ['to-client', ascii('* BYE IMAP4rev2 Server logging out\r\na006 OK LOGOUT completed\r\n')],
];

describe('imap detect', () => {
  it('matches the untagged greetings and a tagged command IMAP defines', () => {
    expect(imap.detect(ascii('* OK Dovecot (Debian) ready.\r\n'), 'to-client')).toBe('match');
    expect(imap.detect(ascii('* PREAUTH IMAP4rev1 server logged in as Smith\r\n'), 'to-client')).toBe(
      'match',
    );
    expect(imap.detect(ascii('* O'), 'to-client')).toBe('need-more');
    expect(imap.detect(ascii('A1 CAPABILITY\r\n'), 'to-server')).toBe('match');
    expect(imap.detect(ascii('1 authenticate PLAIN\r\n'), 'to-server')).toBe('match');
    expect(imap.detect(ascii('a001 LOG'), 'to-server')).toBe('need-more');
  });

  it('rejects unknown commands, bad tags and other text protocols', () => {
    expect(imap.detect(ascii('A1 FROBNICATE\r\n'), 'to-server')).toBe('no-match');
    expect(imap.detect(ascii('* LOGIN x y\r\n'), 'to-server')).toBe('no-match');
    expect(imap.detect(ascii('GET / HTTP/1.1\r\n'), 'to-server')).toBe('no-match');
    expect(imap.detect(ascii('USER alice\r\n'), 'to-server')).toBe('no-match');
    expect(imap.detect(ascii('+OK ready\r\n'), 'to-client')).toBe('no-match');
  });

  it('is chosen by the whole engine', () => {
    expect(engineLabel(session)).toBe('imap');
    expect(engineLabel(session.slice(1))).toBe('imap');
  });

  itRejectsForeignBytes(imap, ['imap']);
});

describe('imap parser', () => {
  it('emits commands (LOGIN names its user only), login outcomes, and passes over literals', () => {
    expect(ops(feed(imap, session))).toEqual([
      'C LOGIN user=mrc',
      'S login refused mrc',
      'C LOGIN user=mrc',
      'S login ok mrc',
      'C SELECT inbox',
      'C UID FETCH',
      'C IDLE',
      'C LOGOUT',
    ]);
    expect(JSON.stringify(feed(imap, session))).not.toMatch(/secretpw|wrong/);
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(imap, session).mismatch).toBeUndefined();
  });

  it('keeps SASL responses out of events and reads TLS, not IMAP, after STARTTLS is accepted', () => {
    const events = feed(imap, [
      ['to-client', ascii('* OK ready\r\n')],
      ['to-server', ascii('a AUTHENTICATE PLAIN\r\n')],
      ['to-client', ascii('+ \r\n')],
      ['to-server', ascii('AGFsaWNlAHMzY3JldA==\r\n')],
      ['to-client', ascii('a OK Logged in\r\n')],
      ['to-server', ascii('b STARTTLS\r\n')],
      ['to-client', ascii('b OK Begin TLS negotiation now.\r\n')],
      ['to-server', concat(clientHelloSample, ascii('c LOGIN not parsed\r\n'))],
    ]);
    expect(ops(events)).toEqual([
      'C AUTHENTICATE PLAIN',
      'S login ok sasl alice',
      'C STARTTLS',
      'C TLS record',
      'C TLS ClientHello sni=api.example.com',
    ]);
    expect(JSON.stringify(events)).not.toContain('AGFsaWNl');
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(imap, 2, 0x1a4a)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(imap, session[0] as Segment).randomMatches).toBe(0);
    expect(contractCheck(imap, session[1] as Segment).randomMatches).toBe(0);
  });
});
