import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { EventRead } from '#sidecar/engine/event-read.ts';
import { parseBudget } from '#sidecar/engine/parse-budget.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, type Message, tcpConversation } from './conversation.ts';
import { eventProtocol } from './toy-protocols.ts';

const registered = (id: string): Protocol => {
  const found = protocols.find((protocol) => protocol.id === id);
  if (found === undefined) throw new Error(`no protocol ${id}`);
  return found;
};
const summary = 32 * 1024;
const budgets = (observers: EngineObserver[], id: string) => {
  const budget = parseBudget(observers, summary);
  return [budget.of(registered(id), 'to-server'), budget.of(registered(id), 'to-client')];
};
/** An observer that sees events but declares it reads none: it never makes the engine parse further. */
const recorder = (seen: ProtocolEvent[], reads: EventRead[] = []): EngineObserver => ({
  onEvent: (_flow, event) => seen.push(event),
  reads,
});

describe('parse budget: how far each direction is parsed, from what observers read', () => {
  it('without event readers: the summary bound, and nothing of a direction the summary skips', () => {
    expect(budgets([], 'http')).toEqual([summary, summary]);
    expect(budgets([{ onFlowEnd: () => undefined }], 'redis')).toEqual([summary, 0]);
  });

  it('a protocol that announces flows (FTP) is read to the end both ways: the engine reads every announcement', () => {
    expect(budgets([], 'ftp')).toEqual([Infinity, Infinity]);
    expect(budgets([recorder([])], 'ftp')).toEqual([Infinity, Infinity]);
  });

  it('a reader that does not say what it reads gets every byte of every flow (the safe default)', () => {
    expect(budgets([{ onEvent: () => undefined }], 'http')).toEqual([Infinity, Infinity]);
    expect(budgets([{ onEvent: () => undefined }], 'redis')).toEqual([Infinity, Infinity]);
  });

  it('the threat runner: requests to the end, replies only where a detector reads them', () => {
    const runner = [createThreatRunner({ policyDir: false })];
    // Refusals are answers: http-auth-brute-force and web-scanner count every one (ADR 58); a download's body past
    // what the reader keeps is let pass unread (engine/passing.ts).
    expect(budgets(runner, 'http')).toEqual([Infinity, Infinity]);
    expect(budgets(runner, 'http2')).toEqual([Infinity, Infinity]);
    // Failed logins are server replies: db-auth-brute-force reads them to the end for MySQL and PostgreSQL, and
    // the first 4 KiB of Redis replies (dozens of failed logins; their other replies are long); redis-abuse the
    // first 8 KiB (an INFO reply, then an attack's answers). MongoDB replies feed the summary: the bound holds there.
    for (const id of ['mysql', 'postgresql']) expect(budgets(runner, id)).toEqual([Infinity, Infinity]);
    expect(budgets(runner, 'redis')).toEqual([Infinity, 8192]);
    expect(budgets(runner, 'mongodb')).toEqual([Infinity, summary]);
    // Heartbleed reads TLS records both ways; DNS detectors read DNS both ways.
    expect(budgets(runner, 'tls')).toEqual([Infinity, Infinity]);
    expect(budgets(runner, 'dns')).toEqual([Infinity, Infinity]);
    // Commands where injection detectors look; replies only for protocol-mismatch's first look.
    expect(budgets(runner, 'memcached')).toEqual([Infinity, summary]);
    expect(budgets(runner, 'ssh')).toEqual([summary, summary]);
    expect(budgets(runner, 'kafka')).toEqual([summary, summary]);
  });

  it('follows the enabled detectors: with db-auth-brute-force off, database replies stop at the bound', () => {
    const runner = [
      createThreatRunner({ policyDir: false, configs: { 'db-auth-brute-force': { enabled: false } } }),
    ];
    expect(budgets(runner, 'postgresql')).toEqual([Infinity, summary]);
    // Redis replies feed no summary: redis-abuse's first 8 KiB, without it only protocol-mismatch's first look
    // (4 KiB); without a reader they are not parsed at all.
    expect(budgets(runner, 'redis')).toEqual([Infinity, 8192]);
    const noAbuse = [
      createThreatRunner({
        policyDir: false,
        configs: { 'db-auth-brute-force': { enabled: false }, 'redis-abuse': { enabled: false } },
      }),
    ];
    expect(budgets(noAbuse, 'redis')).toEqual([Infinity, 4096]);
    const none = [createThreatRunner({ policyDir: false, threats: [] })];
    expect(budgets(none, 'redis')).toEqual([summary, 0]);
  });

  it('a kind read to the end lifts the bound of the direction it appears in', () => {
    const budget = parseBudget(
      [recorder([], [{ kind: 'tls-record', directions: ['to-client'], depth: 'every' }])],
      1,
    );
    const http = registered('http');
    expect(budget.lifts(http, 'tls-record', 'to-client')).toBe(true);
    expect(budget.lifts(http, 'tls-record', 'to-server')).toBe(false);
    expect(budget.lifts(http, 'http-response', 'to-client')).toBe(false);
  });
});

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };

const run = (
  messages: Message[],
  observers: EngineObserver[],
  options: Parameters<typeof createEngine>[0] = {},
) => {
  const engine = createEngine({ ...options, observers });
  for (const r of tcpConversation(web, messages)) engine.push(r);
  return splitFindings(engine.flush());
};

describe('parse budget through the engine', () => {
  it('with the threat runner, an attack deep in a keep-alive connection is found, and every answer read', () => {
    const messages: Message[] = [];
    const body = 'x'.repeat(2000);
    for (let i = 0; i < 40; i++) {
      messages.push({ from: 'client', data: `GET /items/${i} HTTP/1.1\r\nHost: shop\r\n\r\n` });
      messages.push({
        from: 'server',
        data: `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      });
    }
    const attack = `/items?id=${encodeURIComponent("1' OR '1'='1")}`;
    messages.push({ from: 'client', data: `GET ${attack} HTTP/1.1\r\nHost: shop\r\n\r\n` });
    const seen: ProtocolEvent[] = [];
    const { flows, threats } = run(messages, [createThreatRunner({ policyDir: false }), recorder(seen)]);
    expect(flows[0]?.protocol).toBe('http');
    expect(flows[0]?.bytes.toClient).toBeGreaterThan(80_000);
    expect(threats.map((t) => t.threat)).toEqual(['sql-injection']);
    expect(seen.filter((e) => e.kind === 'http-request')).toHaveLength(41);
    // Every answer, past the first 32 KiB too (ADR 58; before, about 16 of the 40).
    expect(seen.filter((e) => e.kind === 'http-response')).toHaveLength(40);
  });

  it('a Redis password guesser on one connection is caught within the first 4 KiB of replies', () => {
    const messages: Message[] = [];
    for (let i = 0; i < 40; i++) {
      const guess = `guess${i}`;
      messages.push({ from: 'client', data: `*2\r\n$4\r\nAUTH\r\n$${guess.length}\r\n${guess}\r\n` });
      messages.push({
        from: 'server',
        data: '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      });
    }
    const redis: Endpoints = { ...web, serverPort: 6379 };
    const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
    for (const r of tcpConversation(redis, messages)) engine.push(r);
    const { threats } = splitFindings(engine.flush());
    expect(threats.map((t) => [t.threat, t.protocol])).toEqual([
      ['cleartext-credentials', 'redis'],
      ['db-auth-brute-force', 'redis'],
    ]);
  });

  it('an event read to the end (a CONNECT tunnel’s TLS record) lifts the bound; one first seen past it is not read', () => {
    // A toy 'http' whose lines are replies, or TLS records when they start with T (as in a CONNECT tunnel).
    const toy = eventProtocol('http', 'GET', (line, direction, ts): ProtocolEvent[] =>
      line.startsWith('T')
        ? [{ kind: 'tls-record', contentType: 23, version: 'TLS 1.2', length: line.length, ts, direction }]
        : [
            {
              kind: 'http-response',
              version: 'HTTP/1.1',
              status: 200,
              headers: [],
              body: new Uint8Array(0),
              bodyTruncated: false,
              ts,
              direction,
            },
          ],
    );
    const bulk = Array.from(
      { length: 10 },
      (): Message => ({ from: 'server', data: `R ${'y'.repeat(1000)}\n` }),
    );
    const records = (early: boolean): ProtocolEvent[] => {
      const seen: ProtocolEvent[] = [];
      const reader = recorder(seen, [{ kind: 'tls-record', directions: ['to-client'], depth: 'every' }]);
      const messages: Message[] = [
        { from: 'client', data: 'GET x\n' },
        ...(early ? [{ from: 'server' as const, data: 'T early\n' }] : []),
        ...bulk,
        { from: 'server', data: 'T late\n' },
      ];
      run(messages, [reader], { protocols: [toy], limits: { summaryBytes: 4096 } });
      return seen.filter((e) => e.kind === 'tls-record');
    };
    expect(records(true)).toHaveLength(2);
    expect(records(false)).toHaveLength(0);
  });
});
