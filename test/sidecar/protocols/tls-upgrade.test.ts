/**
 * Plaintext protocols that turn to TLS part way (tls-upgrade.ts): PostgreSQL's SSLRequest answered 'S' (its protocol
 * docs, §55.2.10 "SSL Session Encryption"), MySQL's SSL request with the ClientHello right behind it in one segment
 * (the client/server protocol's "SSL Handshake"), and what must not switch: 'N', GSSAPI's 'G', a refused STARTTLS.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { imap } from '#sidecar/protocols/imap.ts';
import { mysql } from '#sidecar/protocols/mysql.ts';
import { pop3 } from '#sidecar/protocols/pop3.ts';
import { postgresql } from '#sidecar/protocols/postgresql.ts';
import { smtp } from '#sidecar/protocols/smtp.ts';
import {
  ascii,
  concat,
  everySplitAgrees,
  feed,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';

const sslRequest = hex('00000008 04d2162f');
const gssEncRequest = hex('00000008 04d21630');
/** A simple query (`Q`, length, text and its NUL). */
const query = (sql: string) =>
  concat(hex(`51 ${(sql.length + 5).toString(16).padStart(8, '0')}`), ascii(`${sql}\0`));
const kinds = (events: unknown[]) => (events as ProtocolEvent[]).map((e) => e.kind);

describe('PostgreSQL after an SSLRequest', () => {
  const accepted: Segment[] = [
    ['to-server', sslRequest],
    ['to-client', ascii('S')],
    ['to-server', clientHelloSample],
  ];

  it("reads the ClientHello once the server answers 'S', however its octets are split", () => {
    const events = feed(postgresql, accepted);
    expect(kinds(events)).toEqual(['tls-record', 'tls-client-hello']);
    expect(events[1]).toMatchObject({ sni: 'api.example.com', alpn: ['h2', 'http/1.1'] });
    expect(everySplitAgrees(postgresql, accepted).mismatch).toBeUndefined();
  });

  it("reads on in the clear when the server answers 'N'", () => {
    const events = feed(postgresql, [
      ['to-server', sslRequest],
      ['to-client', ascii('N')],
      ['to-server', query('select 1')],
    ]);
    expect(events).toMatchObject([{ kind: 'sql-query', text: 'select 1' }]);
  });

  it("reads nothing more after GSSAPI encryption is accepted ('G'): it is not TLS, and the flow is encrypted", () => {
    const events = feed(postgresql, [
      ['to-server', gssEncRequest],
      ['to-client', ascii('G')],
      ['to-server', clientHelloSample],
      ['to-server', query('select 1')],
    ]);
    // Only the operation that tells the engine the flow is encrypted from here (sealed-flow.test.ts): no TLS hello.
    expect(events).toEqual([
      {
        kind: 'operation',
        direction: 'to-client',
        protocol: 'postgresql',
        operation: 'encrypted',
        detail: 'GSSAPI encryption',
      },
    ]);
  });
});

describe('MySQL after an SSL request', () => {
  /** A HandshakeV10 greeting (sequence 0) from a server that offers SSL (capability 0x0800). */
  const greeting = concat(
    hex('4a0000 00 0a'),
    ascii('8.0.36\0'),
    hex('08000000 3132333435363738 00 ffff 21 0200 ffc7 15 00000000000000000000'),
    ascii('abcdefghijkl\0mysql_native_password\0'),
  );
  /** The 32-octet SSL request (sequence 1): CLIENT_PROTOCOL_41 | CLIENT_SSL | …, max packet, charset, filler. */
  const sslRequestPacket = concat(hex('200000 01 0aae0100 00000001 21'), new Uint8Array(23));

  it('does not switch when the greeting did not offer SSL (capability 0x0800 clear): what follows is still MySQL', () => {
    const noSsl = Uint8Array.from(greeting);
    // The capability flags' lower two octets follow the version, the connection id, 8 octets of salt and a filler.
    const caps = 4 + 1 + '8.0.36'.length + 1 + 4 + 8 + 1;
    expect([noSsl[caps], noSsl[caps + 1]]).toEqual([0xff, 0xff]);
    noSsl[caps + 1] = 0xf7;
    const query = concat(hex('090000 00 03'), ascii('select 1'));
    const events = feed(mysql, [
      ['to-client', noSsl],
      ['to-server', sslRequestPacket],
      ['to-server', query],
    ]);
    expect(events).toMatchObject([{ kind: 'sql-query', text: 'select 1' }]);
  });

  it('hands the ClientHello that shares the SSL request its segment to the TLS reader, wherever it is cut', () => {
    expect(greeting.length - 4).toBe(0x4a);
    const session: Segment[] = [
      ['to-client', greeting],
      ['to-server', concat(sslRequestPacket, clientHelloSample)],
    ];
    const events = feed(mysql, session);
    expect(kinds(events)).toEqual(['tls-record', 'tls-client-hello']);
    expect(events[1]).toMatchObject({ sni: 'api.example.com' });
    expect(everySplitAgrees(mysql, session).mismatch).toBeUndefined();
  });
});

describe('a refused STARTTLS', () => {
  it('leaves SMTP in the clear', () => {
    const events = feed(smtp, [
      ['to-server', ascii('STARTTLS\r\n')],
      ['to-client', ascii('454 TLS not available\r\n')],
      ['to-server', ascii('MAIL FROM:<a@b>\r\n')],
    ]);
    expect(kinds(events)).toEqual(['operation', 'operation', 'operation']);
  });
});

describe('SMTP STARTTLS', () => {
  it('gives the same events wherever the segments are cut', () => {
    const session: Segment[] = [
      ['to-client', ascii('220 mx.shop.test ESMTP\r\n')],
      ['to-server', ascii('EHLO app\r\n')],
      ['to-client', ascii('250-mx.shop.test\r\n250 STARTTLS\r\n')],
      ['to-server', ascii('STARTTLS\r\n')],
      ['to-client', ascii('220 2.0.0 Ready to start TLS\r\n')],
      ['to-server', clientHelloSample],
    ];
    expect(kinds(feed(smtp, session)).slice(-2)).toEqual(['tls-record', 'tls-client-hello']);
    expect(everySplitAgrees(smtp, session).mismatch).toBeUndefined();
  });
});

/** What the client says in the clear after the switch is refused: it must still be read. */
describe('a client in the clear cannot turn the reader to TLS without the server accepting', () => {
  it("SMTP: a STARTTLS sent before the greeting does not take the greeting's 220 as its answer", () => {
    const events = feed(smtp, [
      ['to-server', ascii('STARTTLS\r\n')],
      ['to-client', ascii('220 mx.shop.test ESMTP\r\n')],
      ['to-client', ascii('454 4.7.0 TLS not available\r\n')],
      ['to-server', ascii('AUTH LOGIN\r\n')],
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'operation', operation: 'AUTH' });
  });

  it("POP3: an STLS sent before the greeting does not take the greeting's +OK as its answer", () => {
    const events = feed(pop3, [
      ['to-server', ascii('STLS\r\n')],
      ['to-client', ascii('+OK POP3 ready\r\n')],
      ['to-client', ascii('-ERR not now\r\n')],
      ['to-server', ascii('USER alice\r\n')],
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'operation', operation: 'USER' });
  });

  it("IMAP: a tag reused for STARTTLS does not take the first command's OK as its answer", () => {
    const events = feed(imap, [
      ['to-client', ascii('* OK IMAP4rev1 ready\r\n')],
      ['to-server', ascii('a NOOP\r\na STARTTLS\r\n')],
      ['to-client', ascii('a OK NOOP completed\r\n')],
      ['to-client', ascii('a BAD STARTTLS not available\r\n')],
      ['to-server', ascii('b LOGIN alice secret\r\n')],
      ['to-client', ascii('b NO [AUTHENTICATIONFAILED] wrong\r\n')],
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'db-auth', ok: false, user: 'alice' });
  });
});

describe('a queue of commands awaiting answers that overflowed', () => {
  it("no longer lets POP3's +OK switch to TLS: it may answer a command left out of the queue", () => {
    // 70 NOOPs: 64 queued, 6 left out. After the 64 answers the client sends STLS; the next +OK answers a NOOP left
    // out, not STLS, which the server then refuses: USER in the clear must still be read.
    const events = feed(pop3, [
      ['to-client', ascii('+OK ready\r\n')],
      ['to-server', ascii('NOOP\r\n'.repeat(70))],
      ['to-client', ascii('+OK\r\n'.repeat(64))],
      ['to-server', ascii('STLS\r\n')],
      ['to-client', ascii('+OK\r\n'.repeat(6))],
      ['to-client', ascii('-ERR STLS not supported\r\n')],
      ['to-server', ascii('USER alice\r\n')],
    ]);
    expect(kinds(events)).not.toContain('tls-record');
    expect(events.at(-1)).toMatchObject({ kind: 'operation', operation: 'USER' });
  });
});
