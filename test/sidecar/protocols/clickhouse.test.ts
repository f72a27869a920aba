/** ClickHouse's native protocol from ClickHouse 18.16's own bytes (clickhouse-*.hex): detection, logins, queries. */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { clickhouse } from '#sidecar/protocols/clickhouse.ts';
import {
  clickhouseClientHello,
  clickhouseServerHello,
  clickhouseSession,
  clickhouseWrongPassword,
} from '#test/fixtures/protocols/clickhouse-messages.ts';
import { concat, everySplitAgrees, feed, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const told = (events: unknown[]): string[] =>
  (events as ProtocolEvent[]).map((e) => {
    if (e.kind === 'sql-query') return `sql ${e.text}`;
    if (e.kind === 'db-auth')
      return `auth ${e.ok} ${e.user ?? ''} ${e.method ?? ''} ${e.message ?? ''}`.trim();
    return e.kind === 'operation' ? `op ${e.operation}: ${e.detail}` : e.kind;
  });

describe('clickhouse detection', () => {
  it("matches the client's and the server's Hello and the server's Exception, and waits on their prefixes", () => {
    expect(clickhouse.detect(clickhouseClientHello, 'to-server')).toBe('match');
    expect(clickhouse.detect(clickhouseServerHello, 'to-client')).toBe('match');
    expect(clickhouse.detect(clickhouseWrongPassword, 'to-client')).toBe('match');
    for (const n of [1, 2, 10, 20, clickhouseClientHello.length - 1])
      expect(clickhouse.detect(clickhouseClientHello.subarray(0, n), 'to-server'), `${n}`).toBe('need-more');
    // The server's Hello is told by its time zone: the display name and patch after it are not waited for.
    for (const n of [1, 2, 10, 20])
      expect(clickhouse.detect(clickhouseServerHello.subarray(0, n), 'to-client'), `${n}`).toBe('need-more');
    expect(clickhouse.detect(clickhouseWrongPassword.subarray(0, 40), 'to-client')).toBe('need-more');
  });

  it('refuses a name that is not printable, a revision out of the 54xxx series, an Exception without a class', () => {
    // The client's Hello with revision 1 (varint 01) instead of 54412.
    expect(clickhouse.detect(hex('0003 616263 1210 01 00 00 00'), 'to-server')).toBe('no-match');
    expect(clickhouse.detect(hex('0003 61 0a 63 1210 8ca903 00 00 00'), 'to-server')).toBe('no-match');
    expect(clickhouse.detect(hex('0000'), 'to-server')).toBe('no-match');
    expect(clickhouse.detect(hex('02 c1000000 03 616263 00 00 00'), 'to-client')).toBe('no-match');
    // A client does not send an Exception, nor a server a Query.
    expect(clickhouse.detect(clickhouseWrongPassword, 'to-server')).toBe('no-match');
    expect(clickhouse.detect(hex('0100'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(clickhouse, ['clickhouse']);
});

describe('clickhouse sessions', () => {
  it('tells the login accepted (cleartext password, never its value), the query and the server', () => {
    const events = told(feed(clickhouse, clickhouseSession('select')));
    expect(events).toEqual([
      'op login user=alice client=ClickHouse client 18.16: database=(default) revision 54412',
      'op server-hello: ClickHouse 18.16 revision 54412',
      'auth true alice cleartext',
      'sql SELECT * FROM users',
    ]);
    expect(JSON.stringify(feed(clickhouse, clickhouseSession('select')))).not.toContain('s3cret');
  });

  it('follows uncompressed blocks both ways (an INSERT) and a pre-54429 setting before the query', () => {
    expect(told(feed(clickhouse, clickhouseSession('insert-plain'))).slice(3)).toEqual([
      'sql INSERT INTO users VALUES ',
    ]);
    expect(told(feed(clickhouse, clickhouseSession('setting'))).slice(3)).toEqual([
      "sql SELECT id, name FROM users WHERE name = 'bob'",
    ]);
  });

  it("finds the query in a later revision's layout: python3-clickhouse-driver at 54453, a setting as a string", () => {
    expect(told(feed(clickhouse, clickhouseSession('driver-54453')))).toEqual([
      'op login user=bob client=ClickHouse orders-svc 20.10: database=shop revision 54453',
      'op server-hello: ClickHouse 21.8 revision 54453',
      'auth true bob cleartext',
      "sql SELECT id, total FROM orders WHERE status = 'paid'",
    ]);
  });

  it('tells a wrong password and an unknown user as refused logins, a failed query as an exception', () => {
    expect(told(feed(clickhouse, clickhouseSession('wrong-password'))).slice(1)).toEqual([
      'op exception 193: DB::Exception: DB::Exception: Wrong password for user alice',
      'auth false alice cleartext 193 DB::Exception: DB::Exception: Wrong password for user alice',
    ]);
    expect(told(feed(clickhouse, clickhouseSession('unknown-user'))).slice(1)).toEqual([
      'op exception 192: DB::Exception: DB::Exception: Unknown user mallory',
      'auth false mallory cleartext 192 DB::Exception: DB::Exception: Unknown user mallory',
    ]);
    expect(told(feed(clickhouse, clickhouseSession('query-error'))).slice(3)).toEqual([
      'sql SELECT nosuchcol FROM users',
      'op exception 47: DB::Exception: DB::Exception: Unknown identifier: nosuchcol',
    ]);
  });

  it('tells the same events however the segments are cut', () => {
    for (const name of ['select', 'insert-plain', 'setting', 'query-error', 'driver-54453'])
      expect(everySplitAgrees(clickhouse, clickhouseSession(name)), name).toEqual({
        cuts: expect.any(Number),
      });
  });

  it('stops a direction it cannot follow (an Array column) and never throws on hostile octets', () => {
    const [hello, serverHello] = clickhouseSession('select');
    const array = hex('0100 010002ffffffff00 0101 0161 0d41727261792855496e743829 01 0000000000000000 05');
    const events = feed(clickhouse, [
      hello ?? [],
      serverHello ?? [],
      ['to-client', concat(array, clickhouseWrongPassword)],
    ] as never);
    expect(told(events).filter((e) => e.startsWith('op exception'))).toEqual([]);
  });
});
