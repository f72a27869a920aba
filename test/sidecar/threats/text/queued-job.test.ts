/**
 * queued-job.ts: a job body's gadget, in every format workers deserialize (Java streams, pickles in binary, protocol 0
 * and base64 inside a JSON envelope, PHP objects in Laravel's JSON), and nothing on ordinary jobs: Laravel's own
 * classes, Symfony Messenger's envelope, JSON, the payload corpus's benign lines and other classes' attacks.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { payloadCorpusDir } from '#bench/payloads-report.ts';
import { queuedJobGadget } from '#sidecar/threats/text/queued-job.ts';
import {
  laravelGadgetJob,
  laravelJob,
  pickleDict,
  pickleGadget,
} from '#test/fixtures/protocols/queued-jobs.ts';
import {
  base64,
  commonsCollectionsChain,
  javaStream,
  phpObject,
  pickleCall,
  pickleData,
  pickleProtocol0,
  plainJavaObject,
} from '#test/fixtures/serialization/serialized-objects.ts';
import { attackLines, benignLines } from '../corpus-harness.ts';

const text = (value: string): Uint8Array => Uint8Array.from(Buffer.from(value, 'latin1'));
const gadget = (body: Uint8Array): string | undefined => queuedJobGadget(body)?.gadget;

/** Symfony Messenger's PhpSerializer body (an Envelope and its stamps), as it puts it in a beanstalkd job. */
const messengerEnvelope = phpObject('Symfony\\Component\\Messenger\\Envelope', [
  ['stamps', 'a:0:{}'],
  ['message', phpObject('App\\Message\\SmsNotification', [['content', 's:5:"hello";']])],
]);

describe('queuedJobGadget', () => {
  it('names the chain of a Laravel job carrying phpggc, and nothing for the ordinary Laravel job', () => {
    expect(gadget(text(laravelGadgetJob))).toBe('Laravel PendingBroadcast (phpggc Laravel/RCE)');
    expect(queuedJobGadget(text(laravelJob))).toBeUndefined();
  });

  it("leaves framework objects alone that a request's value would be flagged for (Messenger, Illuminate)", () => {
    expect(queuedJobGadget(text(messengerEnvelope))).toBeUndefined();
    const mailable = JSON.stringify({
      data: { command: phpObject('Illuminate\\Mail\\SendQueuedMailable', [['mailable', 'N;']]) },
    });
    expect(queuedJobGadget(text(mailable))).toBeUndefined();
    expect(gadget(text(phpObject('Monolog\\Handler\\SyslogUdpHandler', [['socket', 'N;']])))).toBe(
      'Monolog handler (phpggc Monolog/RCE)',
    );
  });

  it('names Java gadget chains and command-running pickles, binary, protocol 0 and base64 in a JSON envelope', () => {
    expect(gadget(javaStream(commonsCollectionsChain))).toMatch(/Commons ?Collections/i);
    expect(queuedJobGadget(javaStream(plainJavaObject))).toBeUndefined();
    expect(gadget(pickleGadget)).toMatch(/posix\.system/);
    expect(gadget(text(pickleProtocol0))).toMatch(/posix\.system/);
    const kombu = JSON.stringify({
      body: base64(pickleCall('subprocess', 'Popen', 'id')),
      'content-type': 'application/x-python-serialize',
    });
    expect(gadget(text(kombu))).toMatch(/subprocess\.Popen/);
    expect(queuedJobGadget(pickleDict)).toBeUndefined();
    expect(queuedJobGadget(pickleData)).toBeUndefined();
  });

  it('says nothing of ordinary JSON and text jobs, empty ones, or random octets', () => {
    for (const body of [
      '',
      '{}',
      '{"task":"resize","args":[640,480]}',
      'send-newsletter 42',
      '[1,2,3]',
      '{"a":',
    ])
      expect(queuedJobGadget(text(body)), body).toBeUndefined();
  });
});

describe.skipIf(!existsSync(payloadCorpusDir))('queuedJobGadget on the payload corpus', () => {
  it("flags none of the benign lines nor other classes' attacks, as a job body or a JSON job's value", () => {
    const lines = [...benignLines(), ...attackLines()];
    expect(lines.length).toBeGreaterThan(10_000);
    const flagged = lines.filter(
      (line) =>
        queuedJobGadget(text(line)) !== undefined ||
        queuedJobGadget(text(JSON.stringify({ job: 'App\\Jobs\\Run', data: { command: line } }))) !==
          undefined,
    );
    expect(flagged).toEqual([]);
  });
});
