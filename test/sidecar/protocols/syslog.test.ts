import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { syslog, syslogStream } from '#sidecar/protocols/syslog.ts';
import {
  ascii,
  contractCheck,
  everySplitAgrees,
  feed,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) => (events as OperationEvent[]).map((e) => e.operation);

// RFC 5424 §6.5's examples 1 and 4, and RFC 3164 §5.4's first example.
const rfc5424 =
  "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM'su root' failed for lonvick on /dev/pts/8";
const withData =
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...';
const bsd = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8";

describe('syslog', () => {
  it('matches RFC 5424 and RFC 3164 messages, and an octet-counted one (RFC 6587)', () => {
    expect(syslog.detect(ascii(rfc5424), 'to-server')).toBe('match');
    expect(syslog.detect(ascii(withData), 'to-server')).toBe('match');
    expect(syslog.detect(ascii(bsd), 'to-server')).toBe('match');
    expect(syslog.detect(ascii(`${rfc5424.length} ${rfc5424}`), 'to-server')).toBe('match');
    expect(syslog.detect(ascii('<34>1 2003-10-11T22'), 'to-server')).toBe('need-more');
  });

  it('refuses a priority past 191, a missing timestamp, and other text', () => {
    expect(syslog.detect(ascii('<192>1 2003-10-11T22:14:15.003Z host app - - - x'), 'to-server')).toBe(
      'no-match',
    );
    expect(
      syslog.detect(ascii('<34>hello world, this is not a syslog header at all really'), 'to-server'),
    ).toBe('no-match');
    expect(syslog.detect(ascii('GET / HTTP/1.1\r\n\r\n'), 'to-server')).toBe('no-match');
  });

  it('names the application with facility and severity: one message a datagram, framed ones on a stream', () => {
    expect(ops(feed(syslog, [['to-server', ascii(rfc5424)]]))).toEqual(['su auth.crit']);
    expect(ops(feed(syslog, [['to-server', ascii(bsd)]]))).toEqual(['su auth.crit']);
    const stream: Segment[] = [
      ['to-server', ascii(`${withData.length} ${withData}${rfc5424.length} ${rfc5424.slice(0, 20)}`)],
      ['to-server', ascii(`${rfc5424.slice(20)}`)],
    ];
    expect(ops(feed(syslogStream, stream))).toEqual(['evntslog local4.notice', 'su auth.crit']);
    const lines: Segment[] = [['to-server', ascii(`${bsd}\n${rfc5424}\n`)]];
    expect(ops(feed(syslogStream, lines))).toEqual(['su auth.crit', 'su auth.crit']);
    expect(everySplitAgrees(syslogStream, lines).mismatch).toBeUndefined();
  });

  itRejectsForeignBytes(syslog, ['syslog']);

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(syslog, 2, 0x5915)).toBeGreaterThan(300);
    expect(mutatedFlowsParse(syslogStream, 2, 0x5916)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(syslog, ['to-server', ascii(rfc5424)]).randomMatches).toBe(0);
  });
});
