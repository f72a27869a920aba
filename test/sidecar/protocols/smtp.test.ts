import { describe, expect, it } from 'vitest';
import { smtp } from '#sidecar/protocols/smtp.ts';
import {
  ascii,
  concat,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';
import { eventLines } from './event-lines.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = eventLines;

describe('smtp detect', () => {
  it('matches a greeting that names SMTP, and EHLO/HELO/MAIL FROM/RCPT TO in any case', () => {
    expect(smtp.detect(ascii('220 mx.example.org ESMTP Postfix\r\n'), 'to-client')).toBe('match');
    expect(smtp.detect(ascii('220-mx.example.org ESMTP Exim 4.96\r\n220 ok\r\n'), 'to-client')).toBe('match');
    expect(smtp.detect(ascii('EHLO client.example.org\r\n'), 'to-server')).toBe('match');
    expect(smtp.detect(ascii('helo x\r\n'), 'to-server')).toBe('match');
    expect(smtp.detect(ascii('MAIL From:<a@b.c>\r\n'), 'to-server')).toBe('match');
    expect(smtp.detect(ascii('RCPT TO:<a@b.c>\r\n'), 'to-server')).toBe('match');
  });

  it('needs more on prefixes; rejects FTP and other 220 greetings without SMTP, and empty EHLO', () => {
    expect(smtp.detect(ascii('22'), 'to-client')).toBe('need-more');
    expect(smtp.detect(ascii('220 mx.example.org ESM'), 'to-client')).toBe('need-more');
    expect(smtp.detect(ascii('EH'), 'to-server')).toBe('need-more');
    expect(smtp.detect(ascii('220 ProFTPD Server (Debian)\r\n'), 'to-client')).toBe('no-match');
    expect(smtp.detect(ascii('EHLO \r\n'), 'to-server')).toBe('no-match');
    expect(smtp.detect(ascii('QUIT\r\n'), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(smtp, ['smtp']);
});

describe('smtp parser', () => {
  // RFC 5321 Appendix D.1 style session, with AUTH (RFC 4954) and a DATA body that contains command-like lines.
  const session: Segment[] = [
    ['to-client', ascii('220 foo.com Simple Mail Transfer Service Ready\r\n')],
    ['to-server', ascii('EHLO bar.com\r\n')],
    ['to-client', ascii('250-foo.com greets bar.com\r\n250-8BITMIME\r\n250 HELP\r\n')],
    [
      'to-server',
      ascii(
        'AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\nMAIL FROM:<Smith@bar.com>\r\nRCPT TO:<Jones@foo.com>\r\nDATA\r\n',
      ),
    ],
    ['to-client', ascii('235 ok\r\n250 OK\r\n250 OK\r\n354 Start mail input; end with <CRLF>.<CRLF>\r\n')],
    ['to-server', ascii('Subject: hi\r\n\r\nRCPT TO:<not-a-command@x>\r\n..leading dot\r\n.\r\nQUIT\r\n')],
    ['to-client', ascii('250 OK\r\n221 foo.com Service closing transmission channel\r\n')],
  ];

  it('emits commands (credentials redacted) and final reply lines, skipping message content', () => {
    expect(ops(feed(smtp, session))).toEqual([
      'S reply 220 foo.com Simple Mail Transfer Service Ready',
      'C EHLO bar.com',
      'S reply 250 HELP',
      'C AUTH PLAIN',
      'C MAIL <Smith@bar.com>',
      'C RCPT <Jones@foo.com>',
      'C DATA',
      'S reply 235 ok',
      'S login ok alice',
      'S reply 250 OK',
      'S reply 250 OK',
      'S reply 354 Start mail input; end with <CRLF>.<CRLF>',
      'C QUIT',
      'S reply 250 OK',
      'S reply 221 foo.com Service closing transmission channel',
    ]);
  });

  it('reads an AUTH LOGIN exchange (RFC 4954): challenges, base64 answers never parsed as commands, the outcome', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const events = feed(smtp, [
      ['to-client', ascii('220 mx.shop.local ESMTP\r\n')],
      ['to-server', ascii('EHLO app\r\n')],
      ['to-client', ascii('250-mx.shop.local\r\n250 AUTH LOGIN PLAIN\r\n')],
      ['to-server', ascii('AUTH LOGIN\r\n')],
      ['to-client', ascii('334 VXNlcm5hbWU6\r\n')],
      ['to-server', ascii(`${b64('mailer')}\r\n`)],
      ['to-client', ascii('334 UGFzc3dvcmQ6\r\n')],
      ['to-server', ascii(`${b64('wrong-Secret9')}\r\n`)],
      ['to-client', ascii('535 5.7.8 Authentication credentials invalid\r\n')],
      ['to-server', ascii('MAIL FROM:<app@shop.local>\r\n')],
    ]);
    expect(ops(events).filter((line) => !line.startsWith('S reply'))).toEqual([
      'C EHLO app',
      'C AUTH LOGIN',
      'S login refused mailer',
      'C MAIL <app@shop.local>',
    ]);
    expect(JSON.stringify(events)).not.toContain(b64('wrong-Secret9'));
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(smtp, session).mismatch).toBeUndefined();
  });

  it('skips BDAT chunks (RFC 3030) and reads TLS, not SMTP, in both directions after STARTTLS is accepted (RFC 3207)', () => {
    const events = feed(smtp, [
      ['to-server', ascii('BDAT 12 LAST\r\nMAIL FROM:<>NOOP\r\n')],
      ['to-client', ascii('250 12 octets received\r\n250 OK\r\n')],
      ['to-server', ascii('STARTTLS\r\n')],
      ['to-client', ascii('220 Ready to start TLS\r\n')],
      ['to-server', concat(clientHelloSample, ascii('EHLO after.tls\r\n'))],
      ['to-client', ascii('250 not parsed\r\n')],
    ]);
    expect(ops(events)).toEqual([
      'C BDAT 12 LAST',
      'C NOOP',
      'S reply 250 12 octets received',
      'S reply 250 OK',
      'C STARTTLS',
      'S reply 220 Ready to start TLS',
      'C TLS record',
      'C TLS ClientHello sni=api.example.com',
    ]);
  });

  it('leaves data mode when DATA is refused, and resynchronises on the next line after a gap', () => {
    const parser = smtp.createParser();
    parser.parse(ascii('DATA\r\n'), 'to-server', 1);
    parser.parse(ascii('554 no valid recipients\r\n'), 'to-client', 2);
    expect(ops(parser.parse(ascii('RSET\r\n'), 'to-server', 3))).toEqual(['C RSET']);
    parser.parse(ascii('NOOP partial'), 'to-server', 4);
    parser.gap('to-server');
    expect(ops(parser.parse(ascii('lost\r\nQUIT\r\n'), 'to-server', 5))).toEqual(['C QUIT']);
  });

  it('reads on past a padded command line, and never takes the tail of a long body line for the end of DATA', () => {
    const parser = smtp.createParser();
    // 10,000 octets of command, its first 5000 with no line end yet: the server answers 500 and reads on.
    expect(ops(parser.parse(ascii(`NOOP ${'x'.repeat(5000)}`), 'to-server', 1))).toEqual([
      `C NOOP ${'x'.repeat(4091)}`,
    ]);
    expect(ops(parser.parse(ascii(`${'x'.repeat(5000)}\r\nAUTH LOGIN\r\n`), 'to-server', 2))).toEqual([
      'C AUTH LOGIN',
    ]);
    parser.parse(ascii('DATA\r\n'), 'to-server', 3);
    parser.parse(ascii('354 go ahead\r\n'), 'to-client', 4);
    // A body line of 4096 octets and then `.`: one line to the server, not the end of the message.
    parser.parse(ascii('y'.repeat(4096)), 'to-server', 5);
    expect(ops(parser.parse(ascii('.\r\nRCPT TO:<x@y>\r\n.\r\nQUIT\r\n'), 'to-server', 6))).toEqual([
      'C QUIT',
    ]);
  });

  it('decodes nDPI smtp.pcap (Sendmail 8.8.7 in 1999)', () => {
    const [flow] = ndpiFlows('smtp');
    expect(flow && detectFlow(smtp, flow.segments)).toBe(true);
    const events = ops(feed(smtp, flow?.segments ?? []));
    expect(events.slice(0, 5)).toEqual([
      'S reply 220 pigeon.eyrie.af.mil ESMTP Sendmail 8.8.7/8.8.7; Sat, 7 Aug 1999 08:20:11 -0400',
      'C EHLO delta.peach.mil',
      'S reply 500 Command unrecognized',
      'C HELO delta.peach.mil',
      'S reply 250 (delta.peach.mil) pleased to meet you.',
    ]);
    expect(events).toContain('C MAIL <coreys@delta.peach.mil>');
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(smtp, 3, 0x2c1d)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(smtp, session[0] as Segment).randomMatches).toBe(0);
  });
});
