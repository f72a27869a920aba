import { describe, expect, it } from 'vitest';
import { telnet } from '#sidecar/protocols/telnet.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { eventLines } from './event-lines.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = eventLines;

// inetutils telnetd's opening (DO TERMINAL-TYPE, TSPEED, XDISPLOC, NEW-ENVIRON) and a Linux telnet client's answer,
// then a refused login typed character by character (the server echoes), and a second one that works.
const session: Segment[] = [
  ['to-client', hex('fffd18fffd20fffd23fffd27')],
  ['to-server', hex('fffb18fffc20fffc23fffc27')],
  ['to-client', hex('fffa1801fff0')],
  ['to-server', concat(hex('fffa1800'), ascii('XTERM-256COLOR'), hex('fff0'))],
  ['to-client', concat(hex('fffb03fffd01fffb01'), ascii('\r\nDebian GNU/Linux 12\r\nshop-db login: '))],
  ['to-server', ascii('a')],
  ['to-client', ascii('a')],
  ['to-server', ascii('dmim\b\bin\r\0')],
  ['to-client', ascii('dmim\b \b\b \bin\r\nPassword: ')],
  ['to-server', ascii('hunter2\r\0')],
  ['to-client', ascii('\r\n\r\nLogin incorrect\r\nshop-db login: ')],
  ['to-server', ascii('admin\r\n')],
  ['to-client', ascii('admin\r\nPassword: ')],
  ['to-server', ascii('correct-horse\r\n')],
  ['to-client', ascii('\r\nLast login: Thu Nov 26 09:12:01 UTC 2026 from 10.0.0.7\r\nadmin@shop-db:~$ ')],
  ['to-server', ascii('cat /etc/shadow\r\n')],
  ['to-client', ascii('root:*:19000:0:99999:7:::\r\nuser: ')],
  ['to-server', ascii('not-a-user\r\n')],
];

describe('telnet detect', () => {
  it('matches two or more well-formed negotiation commands from either side', () => {
    expect(telnet.detect(hex('fffd18fffd20'), 'to-client')).toBe('match');
    expect(telnet.detect(hex('fffb18fffc20fffc23'), 'to-server')).toBe('match');
    expect(telnet.detect(concat(hex('fffa1800'), ascii('VT100'), hex('fff0fffb1f')), 'to-server')).toBe(
      'match',
    );
  });

  it('waits on one command or a cut one, and refuses unknown verbs, unregistered options and text', () => {
    expect(telnet.detect(hex('fffd18'), 'to-client')).toBe('need-more');
    expect(telnet.detect(hex('fffd'), 'to-client')).toBe('need-more');
    expect(telnet.detect(hex('fffd18ff'), 'to-client')).toBe('need-more');
    expect(telnet.detect(hex('fff1fffd18'), 'to-client')).toBe('no-match');
    expect(telnet.detect(hex('fffd99fffd18'), 'to-client')).toBe('no-match');
    expect(telnet.detect(hex('fffd1841'), 'to-client')).toBe('no-match');
    expect(telnet.detect(ascii('login: '), 'to-client')).toBe('no-match');
  });

  it('is chosen by the whole engine', () => {
    expect(engineLabel(session)).toBe('telnet');
  });

  itRejectsForeignBytes(telnet, ['telnet']);
});

describe('telnet parser', () => {
  it('reads the terminal type, the users, the login outcomes, never a password, and nothing of the shell', () => {
    expect(ops(feed(telnet, session))).toEqual([
      'C terminal-type XTERM-256COLOR',
      'C login admin',
      'C password user=admin',
      'S login refused admin',
      'C login admin',
      'C password user=admin',
      'S login ok admin',
    ]);
    expect(JSON.stringify(feed(telnet, session))).not.toMatch(/hunter2|correct-horse|shadow|not-a-user/);
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(telnet, session).mismatch).toBeUndefined();
  });

  it('keeps IAC IAC as a data octet and forgets a half-read prompt after a gap', () => {
    const parser = telnet.createParser();
    parser.parse(ascii('login: '), 'to-client', 1);
    parser.gap('to-client');
    expect(ops(parser.parse(ascii('bob\r\n'), 'to-server', 2))).toEqual([]);
    parser.parse(ascii('login: '), 'to-client', 3);
    expect(ops(parser.parse(concat(ascii('b'), hex('ffff'), ascii('b\r\n')), 'to-server', 4))).toEqual([
      'C login bb',
    ]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(telnet, 2, 0x7e17)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(telnet, session[0] as Segment).randomMatches).toBe(0);
  });
});
