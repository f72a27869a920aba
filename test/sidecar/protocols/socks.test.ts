import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent, ProtocolEvent, TlsClientHelloEvent } from '#sidecar/events.ts';
import { socks } from '#sidecar/protocols/socks.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const lines = (events: unknown[]): string[] =>
  (events as ProtocolEvent[])
    .filter((e): e is OperationEvent | DbAuthEvent | TlsClientHelloEvent =>
      ['operation', 'db-auth', 'tls-client-hello'].includes(e.kind),
    )
    .map((e) => {
      const side = e.direction === 'to-server' ? 'C' : 'S';
      if (e.kind === 'db-auth') return `${side} login ${e.ok ? 'ok' : 'refused'} ${e.user ?? ''}`.trim();
      if (e.kind === 'tls-client-hello') return `${side} tls sni=${e.sni ?? ''}`;
      return `${side} ${e.operation} ${e.detail ?? ''}`.trim();
    });

// RFC 1928 §3 greeting (no authentication), §4 request by domain name (ATYP 3), §6 reply with an IPv4 address.
const greeting = hex('050100');
const connectByName = concat(hex('0501000310'), ascii('checkout.shop.io'), hex('01bb'));
const chosen = hex('0500');
const granted = hex('050000017f0000010438');
// A TLS ClientHello sent through the tunnel (Node's tls.connect, SNI api.example.com: wire-samples.ts).
const clientHello = wireSamples.find((s) => s.protocol === 'tls' && s.direction === 'to-server')
  ?.bytes as Uint8Array;

const socks5: Segment[] = [
  ['to-server', greeting],
  ['to-client', chosen],
  ['to-server', connectByName],
  ['to-client', granted],
  ['to-server', clientHello],
];

// RFC 1929: offer no-auth and username/password; the proxy picks 2; VER 1, ULEN, UNAME, PLEN, PASSWD.
const login = (password: string) =>
  concat(hex('0105'), ascii('alice'), hex(password.length.toString(16).padStart(2, '0')), ascii(password));
const withLogin = (password: string, status: string): Segment[] => [
  ['to-server', hex('05020002')],
  ['to-client', hex('0502')],
  ['to-server', login(password)],
  ['to-client', hex(status)],
  ['to-server', hex('050100010a00000901bb')],
  ['to-client', granted],
];

// SOCKS 4: CONNECT to 192.168.0.1:80 as user bob; 4A: address 0.0.0.1, then the host name.
const socks4 = hex('04010050c0a80001626f6200');
const socks4a = concat(hex('040101bb0000000100'), ascii('api.shop.io'), hex('00'));
const granted4 = hex('005a000000000000');

describe('socks detect', () => {
  it('matches a version 5 greeting with its request, a login between, and version 4 and 4a requests', () => {
    expect(socks.detect(concat(greeting, connectByName), 'to-server')).toBe('match');
    expect(socks.detect(concat(hex('05020002'), login('pw'), hex('050100010a00000901bb')), 'to-server')).toBe(
      'match',
    );
    expect(socks.detect(socks4, 'to-server')).toBe('match');
    expect(socks.detect(socks4a, 'to-server')).toBe('match');
    expect(socks.detect(concat(chosen, granted), 'to-client')).toBe('match');
    expect(socks.detect(hex('0502010005000001000000000000'), 'to-client')).toBe('match');
  });

  it('needs more on a greeting alone or a cut request; refuses what cannot be SOCKS', () => {
    expect(socks.detect(greeting, 'to-server')).toBe('need-more');
    expect(socks.detect(concat(greeting, connectByName.subarray(0, 9)), 'to-server')).toBe('need-more');
    expect(socks.detect(socks4.subarray(0, 10), 'to-server')).toBe('need-more');
    expect(socks.detect(chosen, 'to-client')).toBe('need-more');
    // A method no client offers; a request with a reserved octet set; an unknown command; a 4A host with a space.
    expect(socks.detect(hex('05012a'), 'to-server')).toBe('no-match');
    expect(socks.detect(concat(greeting, hex('050101017f0000010050')), 'to-server')).toBe('no-match');
    expect(socks.detect(concat(greeting, hex('050900017f0000010050')), 'to-server')).toBe('no-match');
    expect(socks.detect(concat(hex('040101bb0000000100'), ascii('a b'), hex('00')), 'to-server')).toBe(
      'no-match',
    );
    expect(socks.detect(hex('05ff'), 'to-client')).toBe('no-match');
    expect(socks.detect(new Uint8Array(0), 'to-server')).not.toBe('match');
  });

  it('is the label the whole registry gives, the tunnelled TLS notwithstanding', () => {
    expect(engineLabel(socks5)).toBe('socks');
    expect(engineLabel(withLogin('s3cret', '0100'))).toBe('socks');
    expect(
      engineLabel([
        ['to-server', socks4a],
        ['to-client', granted4],
      ]),
    ).toBe('socks');
  });

  itRejectsForeignBytes(socks, []);
});

describe('socks parser', () => {
  it('reads a version 5 CONNECT by name, then names the TLS the tunnel carries and reads its hello', () => {
    expect(lines(feed(socks, socks5))).toEqual([
      'C greeting version=5 methods=no-auth',
      'S method no-auth',
      'C CONNECT version=5 target=checkout.shop.io:443',
      'S reply succeeded version=5 target=checkout.shop.io:443',
      'C tunnel tls tls',
      'C tls sni=api.example.com',
    ]);
  });

  it("tells a username/password login's outcome with the user, never the password", () => {
    const ok = feed(socks, withLogin('s3cret', '0100'));
    expect(lines(ok)).toEqual([
      'C greeting version=5 methods=no-auth,username/password',
      'S method username/password',
      'C login user=alice',
      'S login ok alice',
      'C CONNECT version=5 target=10.0.0.9:443',
      'S reply succeeded version=5 target=10.0.0.9:443',
    ]);
    expect(JSON.stringify(ok)).not.toContain('s3cret');
    expect(ok.filter((e) => (e as DbAuthEvent).kind === 'db-auth')).toMatchObject([
      { dialect: 'socks', method: 'cleartext', ok: true },
    ]);
    expect(lines(feed(socks, withLogin('wrong', '0101'))).slice(2, 4)).toEqual([
      'C login user=alice',
      'S login refused alice',
    ]);
  });

  it('reads version 4 and 4A requests and their replies', () => {
    expect(
      lines(
        feed(socks, [
          ['to-server', socks4],
          ['to-client', granted4],
        ]),
      ),
    ).toEqual([
      'C CONNECT version=4 target=192.168.0.1:80 user=bob',
      'S reply granted version=4 target=192.168.0.1:80',
    ]);
    expect(
      lines(
        feed(socks, [
          ['to-server', socks4a],
          ['to-client', hex('005b000000000000')],
        ]),
      ),
    ).toEqual([
      'C CONNECT version=4 target=api.shop.io:443',
      'S reply rejected or failed version=4 target=api.shop.io:443',
    ]);
  });

  it('gives the same events however the bytes are split', () => {
    expect(everySplitAgrees(socks, socks5).mismatch).toBeUndefined();
    expect(everySplitAgrees(socks, withLogin('s3cret', '0100')).mismatch).toBeUndefined();
    expect(feedByteByByte(socks, socks5)).toEqual(feed(socks, socks5));
  });

  it('stops a direction at bytes that are not the next message, and at a gap', () => {
    expect(
      lines(
        feed(socks, [
          ['to-server', greeting],
          ['to-client', hex('0400')],
          ['to-client', granted],
        ]),
      ),
    ).toEqual(['C greeting version=5 methods=no-auth']);
    const parser = socks.createParser();
    parser.parse(greeting, 'to-server', 1);
    parser.gap('to-server');
    expect(parser.parse(connectByName, 'to-server', 2)).toEqual([]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(socks, 2, 0x50c5)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(socks, ['to-server', concat(greeting, connectByName)]).randomMatches).toBe(0);
  });
});
