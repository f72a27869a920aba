/**
 * STOMP detection: real frames of ActiveMQ 5.17.2 and stomp.py 8 (stomp-messages.ts) from either side, every prefix
 * of them waiting rather than refusing, frames built by hand after the STOMP 1.2 specification (1.0 without
 * content-length, escapes, heart-beats first, a frame still coming), and other protocols' first bytes refused.
 */
import { describe, expect, it } from 'vitest';
import type { Direction } from '#sidecar/events.ts';
import { stomp } from '#sidecar/protocols/stomp.ts';
import { ascii, concat, engineLabel } from '#test/fixtures/protocols/protocol-harness.ts';
import { legacy10, refused11, session12 } from '#test/fixtures/protocols/stomp-messages.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

const detect = (direction: Direction, text: string | Uint8Array): string =>
  stomp.detect(typeof text === 'string' ? ascii(text) : text, direction);

const firstFrames: readonly [string, Direction, Uint8Array][] = [
  ['STOMP 1.2 login', 'to-server', session12.stomp],
  ['CONNECT 1.0 login', 'to-server', legacy10.connect],
  ['CONNECTED', 'to-client', session12.connected],
  ['ERROR', 'to-client', refused11.error],
  ['SEND (mid-stream)', 'to-server', session12.send],
  ['SUBSCRIBE (mid-stream)', 'to-server', session12.subscribe],
  ['MESSAGE with escapes (mid-stream)', 'to-client', session12.messages[0] ?? new Uint8Array()],
  ['ACK (mid-stream)', 'to-server', session12.ack(1)],
  ['SEND of a binary body with content-length', 'to-server', legacy10.sendObject],
  ['RECEIPT', 'to-client', session12.receipt],
];

describe('stomp detection', () => {
  it.each(firstFrames)(
    "takes ActiveMQ's and stomp.py's %s, and waits on every prefix of it",
    (_, direction, bytes) => {
      expect(detect(direction, bytes)).toBe('match');
      for (let n = 0; n < bytes.length; n++)
        expect([n, detect(direction, bytes.subarray(0, n))]).not.toEqual([n, 'no-match']);
    },
  );

  it("refuses a side's frame from the other side", () => {
    expect(detect('to-client', session12.stomp)).toBe('no-match');
    expect(detect('to-server', session12.connected)).toBe('no-match');
    expect(detect('to-server', refused11.error)).toBe('no-match');
  });

  it('takes 1.0 frames without content-length, CR LF lines and heart-beats before the first frame', () => {
    expect(detect('to-server', 'SEND\r\ndestination:/queue/a\r\n\r\nhello\0')).toBe('match');
    expect(detect('to-server', '\n\r\n\nSEND\ndestination:/topic/prices\n\n1.25\0\n')).toBe('match');
    expect(detect('to-client', '\nMESSAGE\ndestination:/topic/x\nmessage-id:7\n\nbody\0')).toBe('match');
    expect(detect('to-server', 'DISCONNECT\n\n\0')).toBe('match');
  });

  it('takes a frame whose body is still coming when its command has the header it needs, else waits', () => {
    expect(detect('to-server', 'SEND\ndestination:/queue/big\ncontent-length:90000\n\nabc')).toBe('match');
    expect(detect('to-client', 'MESSAGE\ndestination:/queue/big\n\nstill coming')).toBe('match');
    expect(detect('to-server', 'DISCONNECT\nfoo:bar\n\nstill')).toBe('need-more');
    expect(detect('to-server', 'SEND\ndestination:/queue/a\n')).toBe('need-more');
  });

  it('takes a binary body holding NULs by its content-length, and refuses one that does not end at a NUL', () => {
    const body = Uint8Array.of(0, 1, 0, 0xff, 0);
    const frame = (length: number, end: number): Uint8Array =>
      concat(ascii(`SEND\ndestination:/queue/bin\ncontent-length:${length}\n\n`), body, Uint8Array.of(end));
    expect(detect('to-server', frame(5, 0))).toBe('match');
    expect(detect('to-server', frame(5, 0x41))).toBe('no-match');
    expect(detect('to-server', frame(3, 0))).toBe('no-match');
    expect(detect('to-server', 'SEND\ndestination:/q\ncontent-length:-1\n\n\0')).toBe('no-match');
  });

  it('takes escaped header values (1.1+), refuses escapes 1.2 does not define outside CONNECT', () => {
    expect(detect('to-server', 'SEND\ndestination:/queue/a\\cb\\n\\\\\\r\n\nx\0')).toBe('match');
    expect(detect('to-server', 'SEND\ndestination:/queue/a\\tb\n\nx\0')).toBe('no-match');
    expect(detect('to-server', 'CONNECT\nlogin:dom\\user\n\n\0')).toBe('match');
  });

  it('refuses lines that are not STOMP: lower case, arguments on the command line, a header without a colon', () => {
    for (const text of [
      'send\ndestination:/queue/a\n\nx\0',
      'SEND /queue/a\n\n\0',
      'SEND\ndestination /queue/a\n\nx\0',
      'SEND\n:nameless\n\nx\0',
      'SEND\ndestination:/queue/a\0\n\n',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n',
      'SUBSCRIBE news\r\n',
      'EHLO mail.example.com\r\n',
      'COMMITTED\n\n\0',
      '\n'.repeat(17),
    ])
      expect([text, detect('to-server', text)]).toEqual([text, 'no-match']);
    expect(detect('to-client', '220 mail.example.com ESMTP\r\n')).toBe('no-match');
    expect(detect('to-client', 'HTTP/1.1 200 OK\r\n\r\n')).toBe('no-match');
  });

  it('never takes the first bytes of another protocol (wire-samples.ts)', () => {
    for (const sample of samplesExcept('stomp'))
      expect([sample.protocol, stomp.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
  });

  it('is the label the engine gives, before Redis (whose inline commands would take SUBSCRIBE)', () => {
    expect(engineLabel([['to-server', session12.subscribe]])).toBe('stomp');
    expect(engineLabel([['to-server', session12.stomp]])).toBe('stomp');
    expect(engineLabel([['to-client', session12.messages[1] ?? new Uint8Array()]])).toBe('stomp');
  });
});
