import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { irc } from '#sidecar/protocols/irc.ts';
import { parseIrcLine } from '#sidecar/protocols/irc-message.ts';
import {
  ascii,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map((e) =>
    `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail ?? ''}`.trim(),
  );

// RFC 2812 §3.1 registration (PASS, NICK, USER), §3.2.1 JOIN, §3.3.1 PRIVMSG; the numerics of §5.1.
const registration = 'NICK kaiten42\r\nUSER kaiten 0 * :bot\r\n';
const session: Segment[] = [
  ['to-server', ascii(registration)],
  ['to-client', ascii(':irc.shop.test NOTICE * :*** Looking up your hostname\r\n')],
  ['to-client', ascii(':irc.shop.test 001 kaiten42 :Welcome to the Internet Relay Network kaiten42\r\n')],
  ['to-server', ascii('JOIN #miners\r\n')],
  ['to-client', ascii(':kaiten42!kaiten@10.0.0.5 JOIN :#miners\r\nPING :irc.shop.test\r\n')],
  ['to-server', ascii('PONG :irc.shop.test\r\n')],
  ['to-client', ascii(':op!op@198.51.100.7 PRIVMSG #miners :!scan 10.0.0.0/8 22\r\n')],
  ['to-server', ascii('PRIVMSG #miners :scanning\r\nQUIT :bye\r\n')],
];

describe('irc detect', () => {
  it("matches a client's registration (with CAP and PASS first too) and a server's opening line", () => {
    expect(irc.detect(ascii(registration), 'to-server')).toBe('match');
    expect(irc.detect(ascii('CAP LS 302\r\nNICK alice\r\n'), 'to-server')).toBe('match');
    expect(irc.detect(ascii('PASS secret\r\nNICK alice\r\nUSER a 0 * :A\r\n'), 'to-server')).toBe('match');
    expect(irc.detect(ascii('NICK x\nUSER x localhost host :x\n'), 'to-server')).toBe('match');
    expect(irc.detect(ascii(':irc.shop.test NOTICE * :*** Looking up your hostname\r\n'), 'to-client')).toBe(
      'match',
    );
    expect(irc.detect(ascii('NOTICE AUTH :*** Processing connection\r\n'), 'to-client')).toBe('match');
    expect(irc.detect(ascii(':srv 001 alice :Welcome\r\n'), 'to-client')).toBe('match');
    expect(
      irc.detect(ascii('@time=2026-11-27T20:00:00Z :srv CAP * LS :multi-prefix sasl\r\n'), 'to-client'),
    ).toBe('match');
  });

  it('needs more on one line or a cut one; refuses other text protocols and bad nicknames', () => {
    expect(irc.detect(ascii('NICK kaiten42\r\n'), 'to-server')).toBe('need-more');
    expect(irc.detect(ascii('NICK kai'), 'to-server')).toBe('need-more');
    expect(irc.detect(ascii('NICK 42kaiten\r\nUSER a 0 * :b\r\n'), 'to-server')).toBe('no-match');
    expect(irc.detect(ascii('NICK a\r\nJOIN #x\r\n'), 'to-server')).toBe('no-match');
    expect(irc.detect(ascii('USER a 0 *\r\nNICK a\r\n'), 'to-server')).toBe('no-match');
    expect(irc.detect(ascii('EHLO mail.shop.test\r\n'), 'to-server')).toBe('no-match');
    expect(irc.detect(ascii('220 mail.shop.test ESMTP\r\n'), 'to-client')).toBe('no-match');
    expect(irc.detect(ascii('+OK POP3 ready\r\n'), 'to-client')).toBe('no-match');
    expect(irc.detect(ascii(':srv 001\r\n'), 'to-client')).toBe('no-match');
  });

  it('is the label the whole registry gives', () => {
    expect(engineLabel(session)).toBe('irc');
    expect(engineLabel(session.slice(1))).toBe('irc');
  });

  itRejectsForeignBytes(irc, []);
});

describe('irc parser', () => {
  it('reads registration, joins and messages both ways; no PING or PONG', () => {
    expect(ops(feed(irc, session))).toEqual([
      'C NICK kaiten42',
      'C USER user=kaiten',
      'S NOTICE from=irc.shop.test target=* text=*** Looking up your hostname',
      'S welcome server=irc.shop.test nick=kaiten42',
      'C JOIN #miners',
      'S PRIVMSG from=op target=#miners text=!scan 10.0.0.0/8 22',
      'C PRIVMSG target=#miners text=scanning',
      'C QUIT bye',
    ]);
  });

  it('keeps only the verb of a message to a password service', () => {
    const events = feed(irc, [
      ['to-server', ascii('PRIVMSG NickServ :IDENTIFY hunter2\r\nPRIVMSG #c :IDENTIFY x\r\n')],
    ]);
    expect(ops(events)).toEqual([
      'C PRIVMSG target=NickServ text=IDENTIFY',
      'C PRIVMSG target=#c text=IDENTIFY x',
    ]);
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  it('parses tags, prefixes and trailing parameters as RFC 2812 and IRCv3 write them', () => {
    expect(parseIrcLine('@id=1 :n!u@h PRIVMSG #c :hello there\r')).toEqual({
      prefix: 'n!u@h',
      command: 'PRIVMSG',
      params: ['#c', 'hello there'],
    });
    expect(parseIrcLine('privmsg #c ::)')).toEqual({ command: 'PRIVMSG', params: ['#c', ':)'] });
    expect(parseIrcLine('')).toBeUndefined();
    expect(parseIrcLine(': NICK a')).toBeUndefined();
    expect(parseIrcLine('GET / HTTP/1.1')).toBeDefined();
    expect(parseIrcLine('1234 x')).toBeUndefined();
  });

  it('gives the same events however the bytes are split', () => {
    expect(everySplitAgrees(irc, session).mismatch).toBeUndefined();
    expect(feedByteByByte(irc, session)).toEqual(feed(irc, session));
  });

  it('drops the line a gap cut and reads on; a line still open past 8,704 octets is read cut, and so are the next', () => {
    const parser = irc.createParser();
    parser.parse(ascii('JOIN #lo'), 'to-server', 3);
    parser.gap('to-server');
    expect(ops(parser.parse(ascii('st\r\nJOIN #b\r\n'), 'to-server', 4))).toEqual(['C JOIN #b']);
    // A bot padding one line so that a reader giving up there would miss the channel it joins next.
    expect(ops(parser.parse(ascii(`PRIVMSG #c :${'x'.repeat(9000)}`), 'to-server', 5))).toEqual([
      `C PRIVMSG target=#c text=${'x'.repeat(64)}`,
    ]);
    expect(ops(parser.parse(ascii(`${'x'.repeat(9000)}\r\nJOIN #a\r\n`), 'to-server', 6))).toEqual([
      'C JOIN #a',
    ]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(irc, 2, 0x1cc)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(irc, ['to-server', ascii(registration)]).randomMatches).toBe(0);
  });
});
