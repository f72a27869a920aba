/**
 * insecure-deserialization on job queues: beanstalkd's and Gearman's real conversations (beanstalkd-messages.ts,
 * gearman-messages.ts) read by the real parsers and handed to the runner with every registered detector and the
 * shipped policy, as the tap does. A job put or submitted, and a job handed to a worker, are judged; ordinary jobs
 * (a Laravel job with its model, JSON, a pickled dict) are not.
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { beanstalkd } from '#sidecar/protocols/beanstalkd.ts';
import { gearman } from '#sidecar/protocols/gearman.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import {
  beanstalkdClient as bc,
  beanstalkdServer as bs,
} from '#test/fixtures/protocols/beanstalkd-messages.ts';
import { gearmanClient, gearmanToWorker } from '#test/fixtures/protocols/gearman-messages.ts';
import { ascii, concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { pickleDict, pickleGadget } from '#test/fixtures/protocols/queued-jobs.ts';
import { flow } from './threat-factories.ts';

const findings = (protocol: Protocol, segments: readonly (readonly [Direction, Uint8Array])[]): string[] => {
  const parser = protocol.createParser();
  const runner = createThreatRunner();
  const observed = flow({ protocol: protocol.id });
  for (const [direction, bytes] of segments)
    for (const event of parser.parse(bytes, direction, 1_000) as ProtocolEvent[])
      runner.onEvent(observed, event);
  runner.onFlowEnd(observed);
  return runner
    .drain(1_000_000)
    .filter((f): f is ThreatFinding => f.type === 'threat')
    .map((f) => `${f.severity} ${f.threat}: ${f.evidence}`);
};

const pendingBroadcast =
  "PHP serialized object Illuminate\\Broadcasting\\PendingBroadcast in the JSON's $.data.command with gadget Laravel PendingBroadcast (phpggc Laravel/RCE)";

describe('insecure-deserialization on beanstalkd', () => {
  it('reports the Laravel job carrying a phpggc chain when it is put, and nothing for the ordinary one', () => {
    expect(
      findings(beanstalkd, [
        ['to-server', bc.use],
        ['to-server', bc.putOrdinary],
        ['to-server', bc.putGadget],
      ]),
    ).toEqual([
      `critical insecure-deserialization: beanstalkd put tube=emails (537 bytes, pri 1024, delay 0, ttr 60), a job whose body the worker that takes it deserializes: ${pendingBroadcast} — beanstalkd job: 537 octets`,
    ]);
  });

  it('reports it again when it is reserved by a worker, the consumer being the one at risk', () => {
    const worker: [Direction, Uint8Array][] = [
      ['to-server', bc.watch],
      ['to-client', bs.watching2],
      ['to-server', bc.reserve1],
      ['to-client', bs.reserved1],
      ['to-server', bc.reserve2],
      ['to-client', bs.reserved2],
    ];
    expect(findings(beanstalkd, worker)).toEqual([
      `critical insecure-deserialization: beanstalkd RESERVED (job 2, 537 bytes, watching default,emails), a job handed to this worker, which deserializes its body: ${pendingBroadcast} — beanstalkd job handed on: 537 octets`,
    ]);
  });

  it('reports nothing on the whole ordinary conversation past the gadget job, nor on YAML or plain jobs', () => {
    expect(
      findings(beanstalkd, [
        ['to-server', bc.putOrdinary],
        ['to-client', bs.found],
        ['to-client', bs.okStatsTube],
      ]),
    ).toEqual([]);
    const plain = [
      '{"task":"resize","args":[640,480]}',
      'hello world',
      'O:8:"stdClass":0:{}',
      'a:1:{s:1:"a";i:1;}',
    ];
    for (const body of plain)
      expect(
        findings(beanstalkd, [['to-server', ascii(`put 0 0 60 ${body.length}\r\n${body}\r\n`)]]),
        body,
      ).toEqual([]);
  });

  it('reports a pickle that runs a command, put as it is', () => {
    const put = concat(ascii(`put 0 0 60 ${pickleGadget.length}\r\n`), pickleGadget, ascii('\r\n'));
    expect(findings(beanstalkd, [['to-server', put]])).toEqual([
      expect.stringMatching(
        /^critical insecure-deserialization: beanstalkd put tube=default .*Python pickle.* with gadget .*posix\.system/,
      ),
    ]);
  });
});

describe('insecure-deserialization on Gearman', () => {
  it("reports gearman CLI's pickle gadget submitted by a client and assigned to the worker, not the JSON job", () => {
    const client = findings(gearman, [
      ['to-server', gearmanClient.submitJson],
      ['to-server', gearmanClient.submitPickle],
    ]);
    expect(client).toEqual([
      expect.stringMatching(
        /^critical insecure-deserialization: gearman SUBMIT_JOB resize \(unique 4b6f7ec4-.*, 40 bytes\), a job whose body the worker that takes it deserializes: Python pickle.*posix\.system.* — gearman job: 40 octets$/,
      ),
    ]);
    const worker = findings(gearman, [
      ['to-client', gearmanToWorker.assignJson],
      ['to-client', gearmanToWorker.assignPickle],
    ]);
    expect(worker).toEqual([
      expect.stringMatching(
        /^critical insecure-deserialization: gearman JOB_ASSIGN_UNIQ resize \(handle H:vm:2, .*\), a job handed to this worker, which deserializes its body: Python pickle.* — gearman job handed on: 40 octets$/,
      ),
    ]);
  });

  it('reports nothing for a pickled dict, nor for a pickle gadget a worker returns as its result', () => {
    const submit = concat(
      Uint8Array.from(Buffer.from('\0REQ\0\0\0\x07\0\0\0\0', 'latin1')),
      ascii('fn\0u\0'),
      pickleDict,
    );
    new DataView(submit.buffer).setUint32(8, submit.length - 12);
    expect(findings(gearman, [['to-server', submit]])).toEqual([]);
    const result = concat(
      Uint8Array.from(Buffer.from('\0REQ\0\0\0\x0d\0\0\0\0', 'latin1')),
      ascii('H:vm:2\0'),
      pickleGadget,
    );
    new DataView(result.buffer).setUint32(8, result.length - 12);
    expect(findings(gearman, [['to-server', result]])).toEqual([]);
  });
});
