/**
 * Gearman: detection and parsing from gearmand 1.1.20's and the gearman CLI's packets (gearman-messages.ts), the
 * admin text protocol left alone, every split, random bytes, a job past 64 KiB.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { gearman } from '#sidecar/protocols/gearman.ts';
import { gearmanClient, gearmanToWorker, gearmanWorker } from '#test/fixtures/protocols/gearman-messages.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { pickleGadget } from '#test/fixtures/protocols/queued-jobs.ts';

const worker: Segment[] = [
  ['to-server', gearmanWorker.canDo],
  ['to-server', gearmanWorker.grabJobAll],
  ['to-client', gearmanToWorker.noJob],
  ['to-server', gearmanWorker.preSleep],
  ['to-client', gearmanToWorker.noop],
  ['to-server', gearmanWorker.grabJobAll],
  ['to-client', gearmanToWorker.assignJson],
  ['to-server', gearmanWorker.workComplete],
  ['to-client', gearmanToWorker.assignPickle],
];
const clientFlow: Segment[] = [
  ['to-server', gearmanClient.submitJson],
  ['to-client', gearmanClient.jobCreated],
  ['to-client', gearmanClient.workComplete],
];

const operations = (segments: readonly Segment[]): string[] =>
  (feed(gearman, segments) as OperationEvent[]).map(
    (e) =>
      `${e.direction === 'to-server' ? '>' : '<'} ${e.operation}${e.detail === undefined ? '' : ` (${e.detail})`}`,
  );

const header = (magic: string, type: number, length: number): Uint8Array => {
  const b = Buffer.alloc(12);
  b.write(`\0${magic}`, 0, 'latin1');
  b.writeUInt32BE(type, 4);
  b.writeUInt32BE(length, 8);
  return Uint8Array.from(b);
};

describe('Gearman detection', () => {
  it("matches each side's real packets, and refuses a packet from the wrong side", () => {
    for (const [name, bytes] of Object.entries({ ...gearmanWorker, submit: gearmanClient.submitJson }))
      expect(gearman.detect(bytes, 'to-server'), name).toBe('match');
    for (const [name, bytes] of Object.entries({ ...gearmanToWorker, created: gearmanClient.jobCreated }))
      expect(gearman.detect(bytes, 'to-client'), name).toBe('match');
    expect(gearman.detect(gearmanClient.submitJson, 'to-client')).toBe('no-match');
    expect(gearman.detect(gearmanToWorker.assignJson, 'to-server')).toBe('no-match');
  });

  it('refuses unknown types, types of the other side, and a length an empty type cannot have', () => {
    expect(gearman.detect(header('REQ', 5, 0), 'to-server')).toBe('no-match');
    expect(gearman.detect(header('REQ', 43, 0), 'to-server')).toBe('no-match');
    expect(gearman.detect(header('REQ', 11, 4), 'to-server')).toBe('no-match');
    expect(gearman.detect(header('REQ', 9, 1), 'to-server')).toBe('no-match');
    expect(gearman.detect(header('RES', 7, 4), 'to-client')).toBe('no-match');
    expect(gearman.detect(header('REQ', 7, 0x7fffffff), 'to-server')).toBe('no-match');
  });

  it('waits for the 12-octet header, and leaves the text admin protocol alone', () => {
    for (let n = 1; n < 12; n++)
      expect(gearman.detect(gearmanClient.submitJson.subarray(0, n), 'to-server')).toBe('need-more');
    for (const line of ['status\n', 'workers\n', 'version\n', 'shutdown\n', 'maxqueue resize 10\n'])
      expect(gearman.detect(ascii(line), 'to-server'), line).toBe('no-match');
    expect(gearman.detect(ascii('OK 1.1.20\n'), 'to-client')).toBe('no-match');
  });

  it('labels the real flows gearman in the registry', () => {
    expect(engineLabel(worker)).toBe('gearman');
    expect(engineLabel(clientFlow)).toBe('gearman');
  });
});

describe('Gearman parsing', () => {
  it("names the worker's and client's packets with their function, handle and sizes", () => {
    const unique1 = '4b61b38e-ebf0-11f1-aef8-bdd639f4bd9d';
    const unique2 = '4b6f7ec4-ebf0-11f1-b04f-917210bedd54';
    expect(operations(worker)).toEqual([
      '> CAN_DO resize',
      '> GRAB_JOB_ALL',
      '< NO_JOB',
      '> PRE_SLEEP',
      '< NOOP',
      '> GRAB_JOB_ALL',
      `< JOB_ASSIGN_UNIQ resize (handle H:vm:1, unique ${unique1}, 31 bytes)`,
      '> WORK_COMPLETE (handle H:vm:1, 31 bytes)',
      `< JOB_ASSIGN_UNIQ resize (handle H:vm:2, unique ${unique2}, 40 bytes)`,
    ]);
    expect(operations(clientFlow)).toEqual([
      `> SUBMIT_JOB resize (unique ${unique1}, 31 bytes)`,
      '< JOB_CREATED (H:vm:1)',
      '< WORK_COMPLETE (handle H:vm:1, 31 bytes)',
    ]);
  });

  it('hands a submitted and an assigned job on as serialized, not a result', () => {
    const bodies = (feed(gearman, [...worker, ...clientFlow]) as OperationEvent[])
      .filter((e) => e.serialized !== undefined)
      .map((e) => [e.operation, Buffer.from(e.serialized as Uint8Array).toString('latin1')]);
    const json = '{"image":"cat.png","width":640}';
    expect(bodies).toEqual([
      ['JOB_ASSIGN_UNIQ resize', json],
      ['JOB_ASSIGN_UNIQ resize', Buffer.from(pickleGadget).toString('latin1')],
      ['SUBMIT_JOB resize', json],
    ]);
  });

  it('reads the scheduled and epoch variants and a plain JOB_ASSIGN', () => {
    const packet = (magic: string, type: number, text: string): Uint8Array =>
      concat(header(magic, type, text.length), ascii(text));
    expect(
      operations([
        ['to-server', packet('REQ', 36, 'fn\0u1\x001767225600\0data')],
        ['to-server', packet('REQ', 35, 'fn\0u2\x000\x003\0*\0*\0*\0data')],
        ['to-client', packet('RES', 11, 'H:x:9\0fn\0data')],
        ['to-client', packet('RES', 19, 'ERR_CODE\0text')],
      ]),
    ).toEqual([
      '> SUBMIT_JOB_EPOCH fn (unique u1, 4 bytes, at 1767225600)',
      '> SUBMIT_JOB_SCHED fn (unique u2, 4 bytes, at 0 3 * * *)',
      '< JOB_ASSIGN fn (handle H:x:9, 4 bytes)',
      '< ERROR (ERR_CODE text)',
    ]);
  });

  it('gives the same events for every split, and stops at text', () => {
    expect(everySplitAgrees(gearman, worker).mismatch).toBeUndefined();
    expect(everySplitAgrees(gearman, clientFlow).mismatch).toBeUndefined();
    expect(
      operations([['to-server', concat(gearmanWorker.canDo, ascii('status\n'), gearmanWorker.preSleep)]]),
    ).toEqual(['> CAN_DO resize']);
  });

  it("keeps a long job's first 64 KiB and reads the packet after it", () => {
    const data = new Uint8Array(100_000).fill(0x61);
    const submit = concat(
      header('REQ', 18, 5 + data.length),
      ascii('fn\0u\0'),
      data,
      hex('005245510000000400000000'),
    );
    const events = feed(gearman, [['to-server', submit]]) as OperationEvent[];
    expect(events.map((e) => e.operation)).toEqual(['SUBMIT_JOB_BG fn', 'PRE_SLEEP']);
    expect(events[0]?.serialized?.length).toBe(64 * 1024);
    const split = feed(gearman, [
      ['to-server', submit.subarray(0, 1000)],
      ['to-server', submit.subarray(1000)],
    ]) as OperationEvent[];
    expect(split.map((e) => [e.operation, e.serialized?.length])).toEqual([
      ['SUBMIT_JOB_BG fn', 64 * 1024],
      ['PRE_SLEEP', undefined],
    ]);
  });

  it('never throws on random bytes and never matches them', () => {
    expect(contractCheck(gearman, ['to-server', gearmanClient.submitJson]).randomMatches).toBe(0);
    expect(contractCheck(gearman, ['to-client', gearmanToWorker.assignJson]).randomMatches).toBe(0);
  });
});
