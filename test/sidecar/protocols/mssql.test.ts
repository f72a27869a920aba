import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { mssql } from '#sidecar/protocols/mssql.ts';
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
import { samplesExcept, wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, tcpConversation } from '../engine/conversation.ts';

// Built by hand from [MS-TDS] (version 36.0): the packet header (2.2.3.1), PRELOGIN (2.2.6.5), LOGIN7 (2.2.6.4),
// SQLBatch and ALL_HEADERS (2.2.6.7, 2.2.5.3), RPC (2.2.6.6) and the ERROR, LOGINACK, ENVCHANGE and DONE tokens
// (2.2.7); the PRELOGIN option values are those a .NET SqlClient and SQL Server 2019 exchange.
const be16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
const le16 = (n: number) => Uint8Array.of(n & 0xff, n >> 8);
const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
const ucs2 = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le'));

const packet = (type: number, payload: Uint8Array, status = 0x01, id = 1): Uint8Array =>
  concat(Uint8Array.of(type, status), be16(8 + payload.length), hex('0000'), Uint8Array.of(id, 0), payload);

/** A PRELOGIN option table and its data: (token, value) pairs, VERSION first. */
const prelogin = (options: [number, Uint8Array][]): Uint8Array => {
  const tableLength = options.length * 5 + 1;
  let offset = tableLength;
  const table: Uint8Array[] = [];
  for (const [token, value] of options) {
    table.push(Uint8Array.of(token), be16(offset), be16(value.length));
    offset += value.length;
  }
  return concat(...table, Uint8Array.of(0xff), ...options.map(([, value]) => value));
};
const clientPrelogin = packet(
  0x12,
  prelogin([
    [0x00, hex('0f00 07d0 0000')], // VERSION 15.0.2000, sub-build 0
    [0x01, hex('00')], // ENCRYPTION: ENCRYPT_OFF (the login only)
    [0x02, hex('00')], // INSTOPT: default instance
    [0x03, hex('00001234')], // THREADID
    [0x04, hex('00')], // MARS off
  ]),
  0x01,
  1,
);
const serverPrelogin = packet(
  0x04,
  prelogin([
    [0x00, hex('0f00 1004 0000')],
    [0x01, hex('00')],
    [0x02, hex('00')],
    [0x03, new Uint8Array(0)],
    [0x04, hex('00')],
  ]),
);

/** LOGIN7 with every variable field empty but the user name. */
const login7 = (user: string): Uint8Array => {
  const fixed = 94;
  const name = ucs2(user);
  const offsets = new Uint8Array(fixed - 36);
  // ibHostName, cchHostName, then ibUserName, cchUserName (offsets from the start of LOGIN7).
  offsets.set(le16(fixed), 0);
  offsets.set(le16(fixed), 4);
  offsets.set(le16(user.length), 6);
  const head = concat(
    le32(fixed + name.length),
    hex('04000074'),
    le32(4096),
    hex('00000007'),
    le32(42),
    le32(0),
  );
  return packet(0x10, concat(head, hex('e003 0000'), le32(0), le32(0x409), offsets, name));
};

const usVarchar = (s: string) => concat(le16(s.length), ucs2(s));
const bVarchar = (s: string) => concat(Uint8Array.of(s.length), ucs2(s));
const errorToken = (number: number, message: string): Uint8Array => {
  const body = concat(le32(number), hex('010e'), usVarchar(message), bVarchar('db01'), bVarchar(''), le32(1));
  return concat(hex('aa'), le16(body.length), body);
};
const done = (status = 0) => concat(hex('fd'), le16(status), hex('0000'), new Uint8Array(8));
// ENVCHANGE 1 (database): new value 'app', old value empty.
const envChange = concat(hex('e3'), le16(9), hex('01'), Uint8Array.of(3), ucs2('app'), Uint8Array.of(0));
const loginAck = concat(hex('ad'), le16(10), hex('01 74000004'), Uint8Array.of(0), hex('0f001004'));

const allHeaders = concat(le32(22), le32(18), le16(2), new Uint8Array(8), le32(1));
const batch = (sql: string) => packet(0x01, concat(allHeaders, ucs2(sql)));
const injected = "SELECT name FROM users WHERE id = 1 OR 1=1 -- '";
/** sp_executesql (procedure id 10): @stmt as NVARCHAR(4000), then @params. */
const nvarchar = (s: string) => concat(hex('e7'), le16(8000), hex('0904d00034'), le16(s.length * 2), ucs2(s));
const executeSql = packet(
  0x03,
  concat(
    allHeaders,
    hex('ffff 0a00 0000'),
    hex('00 00'),
    nvarchar('SELECT * FROM orders WHERE id = @id'),
    hex('00 00'),
    nvarchar('@id int'),
  ),
);
const namedProcedure = packet(0x03, concat(allHeaders, usVarchar('dbo.GetOrders'), hex('0000')));

describe('mssql detect', () => {
  it('matches the client PRELOGIN and the server answer, and needs more while they are incomplete', () => {
    expect(mssql.detect(clientPrelogin, 'to-server')).toBe('match');
    expect(mssql.detect(serverPrelogin, 'to-client')).toBe('match');
    for (let n = 0; n < clientPrelogin.length; n++)
      expect(mssql.detect(clientPrelogin.subarray(0, n), 'to-server')).toBe('need-more');
  });

  it('rejects other packet types, a bad status or window, and an option table that does not hold', () => {
    const with_ = (bytes: Uint8Array, at: number, ...values: number[]) => {
      const b = bytes.slice();
      b.set(values, at);
      return b;
    };
    expect(mssql.detect(clientPrelogin, 'to-client')).toBe('no-match');
    expect(mssql.detect(batch('SELECT 1'), 'to-server')).toBe('no-match');
    expect(mssql.detect(with_(clientPrelogin, 1, 0x04), 'to-server')).toBe('no-match');
    expect(mssql.detect(with_(clientPrelogin, 7, 0x01), 'to-server')).toBe('no-match');
    expect(mssql.detect(with_(clientPrelogin, 8, 0x01), 'to-server')).toBe('no-match');
    expect(mssql.detect(with_(clientPrelogin, 10, 0x7f), 'to-server')).toBe('no-match');
    expect(mssql.detect(with_(clientPrelogin, 12, 0x07), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('mssql')) {
      expect([sample.protocol, mssql.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('mssql parser', () => {
  const event = (kind: string, direction: string, fields: object) => ({ kind, direction, ...fields });
  const session: Segment[] = [
    ['to-server', clientPrelogin],
    ['to-client', serverPrelogin],
    ['to-server', login7('app_user')],
    ['to-client', packet(0x04, concat(envChange, loginAck, done()))],
    ['to-server', batch(injected)],
    ['to-client', packet(0x04, concat(errorToken(102, "Incorrect syntax near '1'."), done(2)))],
    ['to-server', executeSql],
    ['to-server', namedProcedure],
  ];
  const expected = [
    event('db-auth', 'to-client', { dialect: 'mssql', ok: true, user: 'app_user' }),
    event('sql-query', 'to-server', { dialect: 'mssql', text: injected }),
    event('operation', 'to-client', { protocol: 'mssql', operation: 'error', detail: '102' }),
    event('sql-query', 'to-server', { dialect: 'mssql', text: 'SELECT * FROM orders WHERE id = @id' }),
    event('operation', 'to-server', { protocol: 'mssql', operation: 'rpc', detail: 'dbo.GetOrders' }),
  ];

  it('reports the login, SQL text from batches and sp_executesql, procedure calls and error numbers', () => {
    expect(feed(mssql, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(mssql, session).mismatch).toBeUndefined();
    expect(feedByteByByte(mssql, session)).toEqual(expected);
  });

  it('reads the TLS run inside PRELOGIN packets, then a failed login past a TLS-protected LOGIN7', () => {
    // A real ClientHello (Node 20 tls.connect, SNI api.example.com: wire-samples.ts), cut across two PRELOGIN packets.
    const hello =
      wireSamples.find((w) => w.protocol === 'tls' && w.direction === 'to-server')?.bytes ?? hex('');
    const encryptedLogin = concat(hex('170303 0010'), new Uint8Array(16).fill(0x5a));
    const failed = packet(0x04, concat(errorToken(18456, "Login failed for user 'sa'."), done(2)));
    const events = feed(mssql, [
      ['to-server', clientPrelogin],
      ['to-client', serverPrelogin],
      ['to-server', packet(0x12, hello.subarray(0, 100), 0x00, 1)],
      ['to-server', packet(0x12, hello.subarray(100), 0x01, 2)],
      ['to-server', encryptedLogin],
      ['to-client', failed],
    ]) as { kind: string; sni?: string }[];
    expect(events.find((e) => e.kind === 'tls-client-hello')).toMatchObject({
      direction: 'to-server',
      sni: 'api.example.com',
    });
    expect(events.filter((e) => e.kind === 'db-auth')).toEqual([
      event('db-auth', 'to-client', {
        dialect: 'mssql',
        ok: false,
        user: 'sa',
        message: "18456 Login failed for user 'sa'.",
      }),
    ]);
  });

  it('joins a batch sent as several packets', () => {
    const text = `SELECT ${'x,'.repeat(3000)}1`;
    const whole = concat(allHeaders, ucs2(text));
    const cut = 4000;
    const parts: Segment[] = [
      ['to-server', clientPrelogin],
      ['to-server', packet(0x01, whole.subarray(0, cut), 0x00, 1)],
      ['to-server', packet(0x01, whole.subarray(cut), 0x01, 2)],
    ];
    expect(feed(mssql, parts)).toEqual([event('sql-query', 'to-server', { dialect: 'mssql', text })]);
  });

  it('stops a direction whose bytes are not TDS', () => {
    expect(
      feed(mssql, [
        ['to-server', concat(clientPrelogin, ascii('GET / HTTP/1.1\r\n\r\n'), batch('SELECT 1'))],
      ]),
    ).toEqual([]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(mssql, ['to-server', clientPrelogin]).randomMatches).toBe(0);
  });
});

describe('mssql through the engine', () => {
  it('labels a session mssql from either side', () => {
    expect(engineLabel([['to-server', clientPrelogin]])).toBe('mssql');
    expect(engineLabel([['to-client', serverPrelogin]])).toBe('mssql');
  });

  it('finds SQL injection in a batch and a password-guessing client, whatever the port', () => {
    const db: Endpoints = { client: '10.0.0.7', server: '10.0.0.9', clientPort: 50000, serverPort: 5000 };
    const engine = createEngine({ observers: defaultObservers() });
    const flows = [
      tcpConversation(db, [
        { from: 'client', data: clientPrelogin },
        { from: 'server', data: serverPrelogin },
        { from: 'client', data: login7('app_user') },
        { from: 'server', data: packet(0x04, concat(envChange, loginAck, done())) },
        { from: 'client', data: batch(injected) },
      ]),
      ...Array.from({ length: 12 }, (_, i) =>
        tcpConversation(
          { ...db, clientPort: 51000 + i },
          [
            { from: 'client', data: clientPrelogin },
            { from: 'server', data: serverPrelogin },
            { from: 'client', data: login7('sa') },
            {
              from: 'server',
              data: packet(0x04, concat(errorToken(18456, "Login failed for user 'sa'."), done(2))),
            },
          ],
          { start: 1_700_000_000_000 + i * 100 },
        ),
      ),
    ];
    for (const records of flows) for (const record of records) engine.push(record);
    const findings = engine.flush();
    const { flows: flowsSeen, threats } = splitFindings(findings);
    expect(threats.map((f) => f.threat)).toEqual(
      expect.arrayContaining(['sql-injection', 'db-auth-brute-force']),
    );
    expect(flowsSeen).toHaveLength(13);
    expect(flowsSeen.every((f) => f.protocol === 'mssql')).toBe(true);
  });
});
