import { describe, expect, it } from 'vitest';
import { ftp } from '#sidecar/protocols/ftp.ts';
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

// A vsftpd 3.0 session as curl drives it (RFC 959 commands, RFC 2428 EPSV), with a refused login first.
const session: Segment[] = [
  ['to-client', ascii('220 (vsFTPd 3.0.3)\r\n')],
  ['to-server', ascii('USER alice\r\n')],
  ['to-client', ascii('331 Please specify the password.\r\n')],
  ['to-server', ascii('PASS wrong-secret\r\n')],
  ['to-client', ascii('530 Login incorrect.\r\n')],
  ['to-server', ascii('USER alice\r\n')],
  ['to-client', ascii('331 Please specify the password.\r\n')],
  ['to-server', ascii('PASS s3cret\r\n')],
  ['to-client', ascii('230 Login successful.\r\n')],
  ['to-server', ascii('PWD\r\n')],
  ['to-client', ascii('257 "/home/alice" is the current directory\r\n')],
  ['to-server', ascii('EPSV\r\n')],
  ['to-client', ascii('229 Entering Extended Passive Mode (|||40001|)\r\n')],
  ['to-server', ascii('TYPE I\r\nRETR report.csv\r\n')],
  ['to-client', ascii('200 Switching to Binary mode.\r\n150 Opening BINARY mode data connection.\r\n')],
  ['to-client', ascii('226-Transfer complete.\r\n  (it took a while)\r\n226 Done.\r\n')],
  ['to-server', ascii('QUIT\r\n')],
];

describe('ftp detect', () => {
  it('matches a 220 greeting that names FTP, single or multi-line', () => {
    expect(ftp.detect(ascii('220 (vsFTPd 3.0.3)\r\n'), 'to-client')).toBe('match');
    expect(ftp.detect(ascii('220 ProFTPD Server (Debian) [::ffff:10.0.0.2]\r\n'), 'to-client')).toBe('match');
    expect(
      ftp.detect(
        ascii('220---------- Welcome to Pure-FTPd [privsep] ----------\r\n220 You are user 1.\r\n'),
        'to-client',
      ),
    ).toBe('match');
    expect(ftp.detect(ascii('220-Welcome\r\n220 Microsoft FTP Service\r\n'), 'to-client')).toBe('match');
  });

  it('waits after a greeting that names neither FTP nor SMTP, and decides on the reply that follows', () => {
    expect(ftp.detect(ascii('220 files.example.org ready\r\n'), 'to-client')).toBe('need-more');
    expect(ftp.detect(ascii('220 files.example.org ready\r\n331 Password required\r\n'), 'to-client')).toBe(
      'match',
    );
    expect(ftp.detect(ascii('220 mail ready\r\n250-mail hello\r\n250 OK\r\n'), 'to-client')).toBe('no-match');
    expect(ftp.detect(ascii('220 mx.example.org ESMTP Postfix\r\n'), 'to-client')).toBe('no-match');
    expect(ftp.detect(ascii('22'), 'to-client')).toBe('need-more');
    expect(ftp.detect(ascii('+OK POP3 ready\r\n'), 'to-client')).toBe('no-match');
  });

  it('matches client commands only FTP has; USER and PASS alone wait (POP3 has them too)', () => {
    expect(ftp.detect(ascii('AUTH TLS\r\n'), 'to-server')).toBe('match');
    expect(ftp.detect(ascii('FEAT\r\n'), 'to-server')).toBe('match');
    expect(ftp.detect(ascii('USER alice\r\n'), 'to-server')).toBe('need-more');
    expect(ftp.detect(ascii('USER alice\r\nPASS x\r\nSYST\r\n'), 'to-server')).toBe('match');
    expect(ftp.detect(ascii('USER alice\r\nPASS x\r\nSTAT\r\n'), 'to-server')).toBe('no-match');
    expect(ftp.detect(ascii('AUTH PLAIN AGFsaWNl\r\n'), 'to-server')).toBe('no-match');
    expect(ftp.detect(ascii('EHLO client\r\n'), 'to-server')).toBe('no-match');
  });

  it('is told from SMTP, POP3 and IMAP by the whole engine, whichever side speaks first', () => {
    expect(engineLabel(session)).toBe('ftp');
    expect(engineLabel(session.slice(1))).toBe('ftp'); // picked up after the greeting
    expect(
      engineLabel([
        ['to-client', ascii('220 mx ESMTP\r\n')],
        ['to-server', ascii('EHLO a\r\n')],
      ]),
    ).toBe('smtp');
  });

  itRejectsForeignBytes(ftp, ['ftp']);
});

describe('ftp parser', () => {
  it('emits commands with the password never kept, and each login attempt with its outcome', () => {
    expect(ops(feed(ftp, session))).toEqual([
      'C USER alice',
      'C PASS user=alice',
      'S login refused alice',
      'C USER alice',
      'C PASS user=alice',
      'S login ok alice',
      'C PWD',
      'C EPSV',
      'data server listens on (control address) 40001',
      'C TYPE I',
      'C RETR report.csv',
      'C QUIT',
    ]);
    expect(JSON.stringify(feed(ftp, session))).not.toContain('s3cret');
  });

  it('announces data connections: PASV and EPSV answers (server), PORT and EPRT commands (client)', () => {
    const events = feed(ftp, [
      ['to-server', ascii('PASV\r\n')],
      ['to-client', ascii('227 Entering Passive Mode (10,1,2,3,156,65).\r\n')],
      ['to-server', ascii('PORT 10,9,8,7,4,1\r\nEPRT |2|fd00::7|50000|\r\nEPRT |1|10.0.0.1|70000|\r\n')],
      [
        'to-client',
        ascii('229 Extended Passive Mode OK (!!!40002!)\r\n227 Entering Passive Mode (999,1,2,3,1,1)\r\n'),
      ],
    ]);
    expect(ops(events)).toEqual([
      'C PASV',
      'data server listens on 10.1.2.3 40001',
      'C PORT 10,9,8,7,4,1',
      'data client listens on 10.9.8.7 1025',
      'C EPRT |2|fd00::7|50000|',
      'data client listens on fd00::7 50000',
      'C EPRT |1|10.0.0.1|70000|',
      'data server listens on (control address) 40002',
    ]);
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(ftp, session).mismatch).toBeUndefined();
  });

  it('reads TLS in both directions once AUTH TLS is accepted (RFC 4217), and FTP on when it is refused', () => {
    const accepted = feed(ftp, [
      ['to-client', ascii('220 FTP ready\r\n')],
      ['to-server', ascii('AUTH TLS\r\n')],
      ['to-client', ascii('234 Proceed with negotiation.\r\n')],
      ['to-server', concat(clientHelloSample, ascii('USER not-parsed\r\n'))],
    ]);
    expect(ops(accepted)).toEqual(['C AUTH TLS', 'C TLS record', 'C TLS ClientHello sni=api.example.com']);
    const refused = feed(ftp, [
      ['to-server', ascii('AUTH TLS\r\n')],
      ['to-client', ascii('530 Please login with USER and PASS.\r\n')],
      ['to-server', ascii('USER bob\r\n')],
    ]);
    expect(ops(refused)).toEqual(['C AUTH TLS', 'C USER bob']);
  });

  it('resynchronises on the next line after a gap, and stops on binary bytes', () => {
    const parser = ftp.createParser();
    parser.parse(ascii('NOOP partial'), 'to-server', 1);
    parser.gap('to-server');
    expect(ops(parser.parse(ascii('lost\r\nCWD /tmp\r\n'), 'to-server', 2))).toEqual(['C CWD /tmp']);
    expect(ops(parser.parse(ascii('\x00\x01\x02\r\nPWD\r\n'), 'to-server', 3))).toEqual([]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(ftp, 2, 0xf7b1)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(ftp, session[0] as Segment).randomMatches).toBe(0);
    expect(contractCheck(ftp, session[1] as Segment).randomMatches).toBe(0);
  });
});
