/**
 * Plaintext protocols that turn to TLS part way (tls-upgrade.ts): PostgreSQL's SSLRequest answered 'S' (its protocol
 * docs, §55.2.10 "SSL Session Encryption"), MySQL's SSL request with the ClientHello right behind it in one segment
 * (the client/server protocol's "SSL Handshake"), and what must not switch: 'N', GSSAPI's 'G', a refused STARTTLS.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { mysql } from '#sidecar/protocols/mysql.ts';
import { postgresql } from '#sidecar/protocols/postgresql.ts';
import { smtp } from '#sidecar/protocols/smtp.ts';
import { ascii, concat, feed, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';

const sslRequest = hex('00000008 04d2162f');
const gssEncRequest = hex('00000008 04d21630');
/** A simple query (`Q`, length, text and its NUL). */
const query = (sql: string) =>
  concat(hex(`51 ${(sql.length + 5).toString(16).padStart(8, '0')}`), ascii(`${sql}\0`));
const kinds = (events: unknown[]) => (events as ProtocolEvent[]).map((e) => e.kind);

describe('PostgreSQL after an SSLRequest', () => {
  it("reads the ClientHello once the server answers 'S'", () => {
    const events = feed(postgresql, [
      ['to-server', sslRequest],
      ['to-client', ascii('S')],
      ['to-server', clientHelloSample],
    ]);
    expect(kinds(events)).toEqual(['tls-record', 'tls-client-hello']);
    expect(events[1]).toMatchObject({ sni: 'api.example.com', alpn: ['h2', 'http/1.1'] });
  });

  it("reads on in the clear when the server answers 'N'", () => {
    const events = feed(postgresql, [
      ['to-server', sslRequest],
      ['to-client', ascii('N')],
      ['to-server', query('select 1')],
    ]);
    expect(events).toMatchObject([{ kind: 'sql-query', text: 'select 1' }]);
  });

  it("reads nothing more after GSSAPI encryption is accepted ('G'): it is not TLS", () => {
    const events = feed(postgresql, [
      ['to-server', gssEncRequest],
      ['to-client', ascii('G')],
      ['to-server', clientHelloSample],
      ['to-server', query('select 1')],
    ]);
    expect(events).toEqual([]);
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

  it('hands the ClientHello that shares the SSL request its segment to the TLS reader', () => {
    expect(greeting.length - 4).toBe(0x4a);
    const events = feed(mysql, [
      ['to-client', greeting],
      ['to-server', concat(sslRequestPacket, clientHelloSample)],
    ]);
    expect(kinds(events)).toEqual(['tls-record', 'tls-client-hello']);
    expect(events[1]).toMatchObject({ sni: 'api.example.com' });
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
