import { describe, expect, it } from 'vitest';
import type { ProtocolEvent, SqlQueryEvent } from '#sidecar/events.ts';
import { sqlInjection } from '#sidecar/threats/sql-injection.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const sql = (text: string, dialect: SqlQueryEvent['dialect'] = 'mysql'): SqlQueryEvent => ({
  kind: 'sql-query',
  ts: 5,
  direction: 'to-server',
  dialect,
  text,
});

describe('sql-injection', () => {
  it.each([
    ['query', httpRequest(`/items?id=${encodeURIComponent("1' OR '1'='1")}`)],
    [
      'double-encoded query',
      httpRequest('/items?id=1%2527%2520UNION%2520SELECT%2520password%2520FROM%2520users--'),
    ],
    [
      'form body',
      httpRequest('/login', {
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
        body: "user=admin'--&pass=x",
      }),
    ],
    [
      'JSON body',
      httpRequest('/api', {
        headers: [['Content-Type', 'application/json']],
        body: '{"q":"1; DROP TABLE users"}',
      }),
    ],
    ['header', httpRequest('/', { headers: [['X-Forwarded-For', "1' AND SLEEP(5)#"]] })],
  ])('flags an injection in the %s', (_where, event) => {
    const [hit] = runThreat(sqlInjection, [event]);
    expect(hit?.threat).toBe('sql-injection');
    expect(hit?.severity).toBe('high');
  });

  it.each([
    "O'Reilly",
    'how to drop a table tennis ball',
    'I usually select icecream where cookies are in union with other fruits',
    'Tom & Jerry; order by price',
    "it's 5 o'clock -- time for tea",
    '1) a-b=c',
  ])('does not flag the benign value %j', (value) => {
    expect(runThreat(sqlInjection, [httpRequest(`/search?q=${encodeURIComponent(value)}`)])).toEqual([]);
  });

  it.each([
    "SELECT * FROM users WHERE name = 'x' OR '1'='1'",
    "SELECT * FROM users WHERE id = 1 OR 1=1 -- '",
    "SELECT * FROM accounts WHERE name = 'a'; DROP TABLE accounts; --'",
    "SELECT name FROM products WHERE id = 1 UNION SELECT password FROM users -- '",
    'SELECT * FROM t WHERE id = 2 AND SLEEP(5)',
  ])('flags injected structure in the statement %j', (text) => {
    expect(runThreat(sqlInjection, [sql(text)])).toHaveLength(1);
  });

  it.each([
    "SELECT id, name FROM authors WHERE last_name = 'O''Reilly'",
    'SELECT a.id FROM a JOIN b ON a.id = b.a_id WHERE 1=1 AND b.x = $1',
    "INSERT INTO notes (body) VALUES ('how to drop a table tennis ball; union select me')",
    'SELECT id FROM t1 UNION SELECT id FROM t2 ORDER BY id',
    "SET NAMES 'utf8mb4'; SELECT 1",
    'SELECT pg_sleep(0.1)',
    "UPDATE users SET password = 'x' WHERE id = 7",
  ])('does not flag ordinary application SQL %j', (text) => {
    expect(runThreat(sqlInjection, [sql(text, 'postgresql')])).toEqual([]);
  });

  it('finds the injected condition after an IN list of 1000 ids or a literal of 20,000 characters', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i).join(',');
    expect(
      runThreat(sqlInjection, [sql(`SELECT * FROM t WHERE id IN (${ids}) AND name = 'x' OR '1'='1'`)]),
    ).toHaveLength(1);
    const padded = `SELECT * FROM users WHERE note = '${'a'.repeat(20_000)}' OR '1'='1'`;
    const [hit] = runThreat(sqlInjection, [sql(padded)]);
    expect(hit?.evidence).toMatch(
      /— mysql: SELECT \* FROM users WHERE note = 'a+ … a+' OR '1'='1' \(20046 characters\)$/,
    );
    // The same long shapes without an injection stay quiet: a bulk insert and a long IN list.
    const rows = Array.from({ length: 2000 }, (_, i) => `(${i}, 'name ${i}', 'it''s row ${i}')`).join(', ');
    expect(runThreat(sqlInjection, [sql(`INSERT INTO t (id, name, note) VALUES ${rows}`)])).toEqual([]);
    expect(runThreat(sqlInjection, [sql(`SELECT * FROM t WHERE id IN (${ids}) AND name = 'x'`)])).toEqual([]);
  });

  it('reads a statement past its 512th token: the injected condition after a long column list (ADR 30)', () => {
    const columns = Array.from({ length: 300 }, (_, i) => `c${i}`).join(', ');
    const text = `SELECT ${columns} FROM users WHERE name = '' OR '1'='1'`;
    expect(text.length).toBeLessThan(16 * 1024);
    expect(runThreat(sqlInjection, [sql(text)]).map((h) => h.evidence)).toEqual([
      expect.stringContaining('OR tautology'),
    ]);
  });

  it('redacts nothing itself but keeps evidence bounded', () => {
    const [hit] = runThreat(sqlInjection, [
      httpRequest(`/x?id=${encodeURIComponent(`1 UNION SELECT ${'a,'.repeat(500)}b`)}`),
    ]);
    expect(hit?.evidence.length).toBeLessThan(400);
  });
});

describe('sql-injection in WebSocket messages', () => {
  const text = (body: string): ProtocolEvent => ({
    kind: 'websocket-message',
    ts: 1,
    direction: 'to-server',
    opcode: 'text',
    length: body.length,
    compressed: false,
    text: body,
  });

  it('judges every string of a JSON message: past the 256th, the message as one input (ADR 30)', () => {
    const padded = JSON.stringify({
      items: Array.from({ length: 300 }, (_, i) => `item ${i}`),
      q: "1' OR '1'='1",
    });
    expect(runThreat(sqlInjection, [text(padded)]).map((h) => h.evidence)).toEqual([
      expect.stringContaining('websocket json (rest)'),
    ]);
    const harmless = JSON.stringify({ items: Array.from({ length: 300 }, (_, i) => `O'Brien ordered ${i}`) });
    expect(runThreat(sqlInjection, [text(harmless)])).toEqual([]);
  });

  it('judges each string of a MessagePack message at its path', () => {
    const message: ProtocolEvent = {
      kind: 'websocket-message',
      ts: 1,
      direction: 'to-server',
      opcode: 'binary',
      length: 60,
      compressed: false,
      strings: [
        ['$.data[0]', 'search'],
        ['$.data[1].q', "1' UNION SELECT password FROM users--"],
      ],
    };
    expect(runThreat(sqlInjection, [message])[0]?.evidence).toContain('websocket msgpack $.data[1].q');
  });
});
