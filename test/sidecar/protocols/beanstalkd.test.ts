/**
 * beanstalkd: detection and parsing from beanstalkd 1.12's own conversation (beanstalkd-messages.ts), lines of the
 * protocols it shares words with (memcached, Redis inline), every split, random bytes, a job past 64 KiB.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { beanstalkd } from '#sidecar/protocols/beanstalkd.ts';
import {
  beanstalkdClient as client,
  beanstalkdServer as server,
} from '#test/fixtures/protocols/beanstalkd-messages.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { laravelGadgetJob, laravelJob } from '#test/fixtures/protocols/queued-jobs.ts';

const conversation: Segment[] = Object.values(client).flatMap((bytes, i): Segment[] => [
  ['to-server', bytes],
  ['to-client', Object.values(server)[i] as Uint8Array],
]);

const operations = (segments: readonly Segment[]): string[] =>
  (feed(beanstalkd, segments) as OperationEvent[]).map(
    (e) =>
      `${e.direction === 'to-server' ? '>' : '<'} ${e.operation}${e.detail === undefined ? '' : ` (${e.detail})`}`,
  );

describe('beanstalkd detection', () => {
  it("matches every command only beanstalkd takes and every reply only it sends, from the real server's bytes", () => {
    const shared = new Set(['delete1', 'delete2', 'deleted1', 'deleted2']);
    for (const [name, bytes] of Object.entries(client))
      expect(beanstalkd.detect(bytes, 'to-server'), name).toBe(shared.has(name) ? 'no-match' : 'match');
    for (const [name, bytes] of Object.entries(server))
      expect(beanstalkd.detect(bytes, 'to-client'), name).toBe(shared.has(name) ? 'no-match' : 'match');
  });

  it('leaves the lines memcached and Redis share with it to them, and refuses their own', () => {
    for (const line of [
      'delete 5\r\n',
      'touch 5\r\n',
      'stats\r\n',
      'quit\r\n',
      'get foo\r\n',
      'set k 0 0 1\r\n',
      'WATCH key\r\n',
      'watch a b\r\n',
      'put 1 2 3\r\n',
      'put 1 2 3 x\r\n',
      'use -bad\r\n',
      'reserve\n',
      '*1\r\n$4\r\nPING\r\n',
      'PUT / HTTP/1.1\r\n',
    ])
      expect(beanstalkd.detect(ascii(line), 'to-server'), line).toBe('no-match');
    for (const line of [
      'DELETED\r\n',
      'NOT_FOUND\r\n',
      'TOUCHED\r\n',
      'OK 5\r\nhello\r\n',
      '+OK\r\n',
      'VALUE k 0 1\r\n',
    ])
      expect(beanstalkd.detect(ascii(line), 'to-client'), line).toBe('no-match');
  });

  it('waits for a line that can still become one, and for the YAML after OK', () => {
    for (const prefix of ['p', 'pu', 'put 1024 0', 'reserve-with', 'list-tubes', 'watch emails\r'])
      expect(beanstalkd.detect(ascii(prefix), 'to-server'), prefix).toBe('need-more');
    expect(beanstalkd.detect(ascii('OK 23\r\n'), 'to-client')).toBe('need-more');
    expect(beanstalkd.detect(ascii('OK 23\r\n--'), 'to-client')).toBe('need-more');
    expect(beanstalkd.detect(ascii('RESERV'), 'to-client')).toBe('need-more');
    expect(beanstalkd.detect(ascii(`use ${'a'.repeat(300)}`), 'to-server')).toBe('no-match');
  });

  it('labels the real conversation beanstalkd in the registry, and a memcached client keeps its label', () => {
    expect(engineLabel(conversation)).toBe('beanstalkd');
    // A worker's first line, which Redis's inline WATCH takes too: beanstalkd is asked first.
    expect(engineLabel([['to-server', client.watch]])).toBe('beanstalkd');
    expect(engineLabel([['to-server', ascii('WATCH key1 key2\r\n')]])).toBe('redis');
    expect(engineLabel([['to-server', ascii('delete 5\r\n')]])).toBe('memcached');
    expect(engineLabel([['to-server', ascii('stats\r\n')]])).toBe('memcached');
  });
});

describe('beanstalkd parsing', () => {
  it('names each command with its tube and each reply, the jobs with their sizes', () => {
    expect(operations(conversation)).toEqual([
      '> use emails',
      '< USING emails',
      '> put tube=emails (571 bytes, pri 1024, delay 0, ttr 60)',
      '< INSERTED (job 1)',
      '> put tube=emails (537 bytes, pri 1024, delay 0, ttr 60)',
      '< INSERTED (job 2)',
      '> watch emails',
      '< WATCHING (2)',
      '> ignore default',
      '< WATCHING (1)',
      '> peek-ready',
      '< FOUND (job 1, 571 bytes)',
      '> reserve-with-timeout (timeout 5)',
      '< RESERVED (job 1, 571 bytes, watching emails)',
      '> delete (job 1)',
      '< DELETED',
      '> reserve-with-timeout (timeout 5)',
      '< RESERVED (job 2, 537 bytes, watching emails)',
      '> delete (job 2)',
      '< DELETED',
      '> stats-tube emails',
      '< OK (264 bytes of YAML)',
      '> list-tubes',
      '< OK (23 bytes of YAML)',
    ]);
  });

  it('hands the body put, peeked and reserved on as serialized, and nothing else', () => {
    const bodies = (feed(beanstalkd, conversation) as OperationEvent[])
      .filter((e) => e.serialized !== undefined)
      .map((e) => [e.operation, Buffer.from(e.serialized as Uint8Array).toString('latin1')]);
    expect(bodies).toEqual([
      ['put tube=emails', laravelJob],
      ['put tube=emails', laravelGadgetJob],
      ['FOUND', laravelJob],
      ['RESERVED', laravelJob],
      ['RESERVED', laravelGadgetJob],
    ]);
  });

  it('gives the same events for every split of every message', () => {
    expect(everySplitAgrees(beanstalkd, conversation).mismatch).toBeUndefined();
  });

  it('keeps the first 64 KiB of a longer job and reads the command after it', () => {
    const body = ascii('x'.repeat(100_000));
    const put = concat(ascii(`put 0 0 60 ${body.length}\r\n`), body, ascii('\r\nlist-tubes\r\n'));
    const events = feed(beanstalkd, [['to-server', put]]) as OperationEvent[];
    expect(events.map((e) => e.operation)).toEqual(['put tube=default', 'list-tubes']);
    expect(events[0]?.serialized?.length).toBe(64 * 1024);
    const split = feed(beanstalkd, [
      ['to-server', put.subarray(0, 100)],
      ['to-server', put.subarray(100)],
    ]) as OperationEvent[];
    expect(split.map((e) => [e.operation, e.serialized?.length])).toEqual([
      ['put tube=default', 64 * 1024],
      ['list-tubes', undefined],
    ]);
  });

  it('never throws on random bytes and never matches them', () => {
    expect(contractCheck(beanstalkd, ['to-server', client.putOrdinary]).randomMatches).toBe(0);
    expect(contractCheck(beanstalkd, ['to-client', server.reserved1]).randomMatches).toBe(0);
  });
});
