import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redis } from '#sidecar/protocols/redis.ts';
import {
  freePort,
  hasBinaries,
  type RecordingProxy,
  run,
  startDaemon,
  startRecordingProxy,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import {
  ascii,
  contractCheck,
  detectFlow,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

// Written from the RESP specification (redis.io/docs/reference/protocol-spec): arrays `*N\r\n` of bulk
// strings `$L\r\n<L bytes>\r\n`; replies `+simple`, `-error`, `:integer`, `$bulk`, RESP3 `%map`, `>push`, `|attribute`.
const resp = (...args: string[]): Uint8Array =>
  ascii(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);

const session: Segment[] = [
  ['to-server', resp('AUTH', 'app', 's3cret')],
  ['to-client', ascii('+OK\r\n')],
  ['to-server', resp('HELLO', '3')],
  // RESP3 map reply to HELLO (two pairs shown), with a nested array value.
  ['to-client', ascii('%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*1\r\n$6\r\nsearch\r\n')],
  ['to-server', ascii('*3\r\n$3\r\nSET\r\n$4\r\nuser\r\n$5\r\nalice\r\n*2\r\n$3\r\nGET\r\n$4\r\nuser\r\n')],
  // An attribute before the reply, and a push message in between (RESP3): neither is a reply of its own.
  [
    'to-client',
    ascii('|1\r\n+ttl\r\n:3600\r\n+OK\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n$5\r\nalice\r\n'),
  ],
];

describe('redis detect', () => {
  it('matches a minimal and a realistic RESP command', () => {
    expect(redis.detect(resp('PING'), 'to-server')).toBe('match');
    expect(redis.detect(resp('set', 'test', 'Hello world!'), 'to-server')).toBe('match');
    expect(redis.detect(resp('FT.SEARCH', 'idx', '@title:hello'), 'to-server')).toBe('match');
  });

  it('matches inline commands only with a known, unambiguous name', () => {
    expect(redis.detect(ascii('KEYS *\r\n'), 'to-server')).toBe('match');
    expect(redis.detect(ascii('hgetall user:1\n'), 'to-server')).toBe('match');
    expect(redis.detect(ascii('get user:42\r\n'), 'to-server')).toBe('no-match');
    expect(redis.detect(ascii('PING\r\n'), 'to-server')).toBe('no-match');
    expect(redis.detect(ascii('KEYSTONE now\r\n'), 'to-server')).toBe('no-match');
    expect(redis.detect(ascii('FOO bar\r\n'), 'to-server')).toBe('no-match');
  });

  it('needs more on a too-short prefix', () => {
    const bytes = resp('COMMAND');
    for (let n = 1; n < bytes.length; n++)
      expect(redis.detect(bytes.subarray(0, n), 'to-server')).toBe('need-more');
    expect(redis.detect(ascii('HGE'), 'to-server')).toBe('need-more');
    expect(redis.detect(ascii('KEYS us'), 'to-server')).toBe('need-more');
  });

  it('never matches server bytes, and rejects arrays with a bad element', () => {
    expect(redis.detect(ascii('+OK\r\n'), 'to-client')).toBe('no-match');
    expect(redis.detect(ascii('*1\r\n:12\r\n'), 'to-server')).toBe('no-match');
    expect(redis.detect(ascii('*1\r\n$3\r\nA;B\r\n'), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('redis')) {
      expect([sample.protocol, redis.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

/** The authentication outcomes among a parser's events. */
const dbAuth = (events: unknown[]) => events.filter((e) => (e as { kind: string }).kind === 'db-auth');

describe('redis parser', () => {
  const expected = [
    { kind: 'redis-command', direction: 'to-server', command: 'AUTH', args: ['app', '***'] },
    { kind: 'db-auth', direction: 'to-client', dialect: 'redis', ok: true, user: 'app' },
    { kind: 'redis-command', direction: 'to-server', command: 'HELLO', args: ['3'] },
    { kind: 'redis-command', direction: 'to-server', command: 'SET', args: ['user', 'alice'] },
    { kind: 'redis-command', direction: 'to-server', command: 'GET', args: ['user'] },
  ];

  it('emits commands (password redacted) and the AUTH outcome, through RESP3 maps, attributes and pushes', () => {
    expect(feed(redis, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(redis, session).mismatch).toBeUndefined();
    expect(feedByteByByte(redis, session)).toEqual(expected);
  });

  it('reports WRONGPASS after AUTH and NOAUTH on any command', () => {
    const events = feed(redis, [
      ['to-server', ascii('AUTH hunter2\r\n')],
      ['to-client', ascii('-WRONGPASS invalid username-password pair or user is disabled.\r\n')],
      ['to-server', resp('GET', 'k')],
      ['to-client', ascii('-NOAUTH Authentication required.\r\n')],
    ]);
    expect(events).toEqual([
      { kind: 'redis-command', direction: 'to-server', command: 'AUTH', args: ['***'] },
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'redis',
        ok: false,
        message: 'WRONGPASS invalid username-password pair or user is disabled.',
      },
      { kind: 'redis-command', direction: 'to-server', command: 'GET', args: ['k'] },
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'redis',
        ok: false,
        message: 'NOAUTH Authentication required.',
      },
    ]);
  });

  it('redacts the password of HELLO ... AUTH user pass', () => {
    expect(feed(redis, [['to-server', resp('HELLO', '3', 'AUTH', 'app', 'pw')]])).toEqual([
      { kind: 'redis-command', direction: 'to-server', command: 'HELLO', args: ['3', 'AUTH', 'app', '***'] },
    ]);
  });

  it('survives a 100 KiB bulk string and stops on a malformed length', () => {
    const big = resp('SET', 'k', 'v'.repeat(100_000));
    expect(
      feed(redis, [
        ['to-server', big],
        ['to-server', resp('DBSIZE')],
      ]).length,
    ).toBe(2);
    expect(
      feed(redis, [
        ['to-server', ascii('*1\r\n$x\r\nPING\r\n')],
        ['to-server', resp('DBSIZE')],
      ]),
    ).toEqual([]);
  });

  it('skips nested reply elements, a long bulk string among them, and still pairs the next reply with AUTH', () => {
    const nested = `*3\r\n*2\r\n+a\r\n:1\r\n$70000\r\n${'x'.repeat(70_000)}\r\n%1\r\n$1\r\nk\r\n~2\r\n_\r\n#t\r\n`;
    const segments: Segment[] = [
      ['to-server', resp('COMMAND')],
      ['to-server', resp('AUTH', 'bob', 'pw')],
      ['to-client', ascii(nested)],
      ['to-client', ascii('-WRONGPASS invalid username-password pair\r\n')],
    ];
    const denied = {
      kind: 'db-auth',
      direction: 'to-client',
      dialect: 'redis',
      ok: false,
      user: 'bob',
      message: 'WRONGPASS invalid username-password pair',
    };
    expect(dbAuth(feed(redis, segments))).toEqual([denied]);
    expect(dbAuth(feedByteByByte(redis, segments))).toEqual([denied]);
  });

  it('stops reading replies at a malformed element inside an aggregate', () => {
    const events = feed(redis, [
      ['to-server', resp('AUTH', 'pw')],
      ['to-client', ascii('*2\r\n+a\r\n$x\r\nb\r\n-WRONGPASS no\r\n')],
    ]);
    expect(dbAuth(events)).toEqual([]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(redis, ['to-server', resp('GET', 'k')]).randomMatches).toBe(0);
  });
});

describe('redis on nDPI resp.pcap (real bytes)', () => {
  it('detects the flow and reads its commands through a 90 KiB COMMAND reply', () => {
    const [flow] = ndpiFlows('redis');
    expect(detectFlow(redis, flow?.segments ?? [])).toBe(true);
    const commands = (feed(redis, flow?.segments ?? []) as { command?: string }[]).map((e) => e.command);
    expect(commands.slice(0, 4)).toEqual(['COMMAND', 'PING', 'SET', 'GET']);
  });
});

describe('redis among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow redis', () => {
    const flows = ndpiFlows('redis');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'redis'));
  });
});

const redisBinaries = hasBinaries('/usr/bin/redis-server', '/usr/bin/redis-cli');

describe.skipIf(!redisBinaries)(
  'redis against a real redis-server and redis-cli (Debian redis-server, redis-tools)',
  () => {
    let server: ChildProcess | undefined;
    let proxy: RecordingProxy | undefined;

    beforeAll(async () => {
      const port = await freePort();
      server = startDaemon('/usr/bin/redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        's3cret',
      ]);
      await waitForPort(port);
      proxy = await startRecordingProxy(port);
    });

    afterAll(async () => {
      await proxy?.close();
      await stopDaemon(server);
    });

    it('reads a refused and an accepted login and the commands, and labels both connections redis', async () => {
      const port = String(proxy?.port);
      const refused = await run('/usr/bin/redis-cli', [
        '-p',
        port,
        '--user',
        'default',
        '--pass',
        'wrong',
        '--no-auth-warning',
        'ping',
      ]);
      // redis-cli reports the failed AUTH on stderr, then sends PING anyway and gets NOAUTH.
      expect(`${refused.stderr}${refused.stdout}`).toMatch(/WRONGPASS[\s\S]*NOAUTH/);
      const accepted = await run('/usr/bin/redis-cli', [
        '-p',
        port,
        '-a',
        's3cret',
        '--no-auth-warning',
        'set',
        'user:1',
        'alice',
      ]);
      expect(accepted.stdout.trim()).toBe('OK');
      const [first = [], second = []] = proxy?.connections ?? [];
      const events = [...feed(redis, first), ...feed(redis, second)] as {
        kind: string;
        ok?: boolean;
        command?: string;
      }[];
      expect(events.filter((e) => e.kind === 'db-auth').map((e) => e.ok)).toEqual([false, false, true]);
      expect(events.filter((e) => e.kind === 'redis-command').map((e) => e.command)).toEqual(
        expect.arrayContaining(['AUTH', 'PING', 'SET']),
      );
      expect(JSON.stringify(events)).not.toContain('s3cret');
      expect([engineLabel(first), engineLabel(second)]).toEqual(['redis', 'redis']);
      expect(everySplitAgrees(redis, second).mismatch).toBeUndefined();
    });
  },
);
