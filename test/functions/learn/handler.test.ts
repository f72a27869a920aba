/** The learn Lambda: SQS records in, partial batch failures out; a pointer message reads findings from the store. */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/learn/handler.ts';
import { createSqsBus, maxInlineBytes } from '#functions/platform/bus/sqs-bus.ts';
import { setRuntime } from '#functions/platform/runtime.ts';
import { at, flow, heartbeat, podRef } from '../platform/factories.ts';
import { localRuntime } from '../platform/runtime-harness.ts';

const pod = podRef('frontend-7d9c5b6f4d-abcde');

const record = (messageId: string, body: string): SQSRecord =>
  ({
    messageId,
    body,
    receiptHandle: messageId,
    attributes: {},
    messageAttributes: {},
  }) as unknown as SQSRecord;

afterEach(() => setRuntime(undefined));

describe('learn handler (SQS)', () => {
  it('learns from good messages, drops junk, and reports only the failed message for retry', async () => {
    const runtime = await localRuntime();
    const real = runtime.store;
    const store = new Proxy(real, {
      get: (target, name) =>
        name === 'getPod'
          ? async (uid: string) => {
              if (uid === 'boom') throw new Error('store unavailable');
              return target.getPod(uid);
            }
          : (Reflect.get(target, name, target) as () => unknown).bind(target),
    });
    setRuntime({ ...runtime, store });
    const good = { type: 'batch', batchId: 'b1', pod, receivedAt: at(5), findings: [heartbeat(), flow()] };
    const failing = {
      type: 'batch',
      batchId: 'b2',
      pod: { ...pod, uid: 'boom' },
      receivedAt: at(5),
      findings: [flow()],
    };
    const event: SQSEvent = {
      Records: [
        record('m1', JSON.stringify(good)),
        record('m2', '{oops'),
        record('m3', JSON.stringify(failing)),
      ],
    };
    const result = await handler(event);
    expect(await real.listRules()).toHaveLength(1);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m3']);
  });

  it('sends a pointer instead of a batch too large for SQS, and learn reads the store', async () => {
    const runtime = await localRuntime();
    const sent: string[] = [];
    const bus = createSqsBus(
      async (queueUrl, body) => {
        if (queueUrl === 'learn-queue') sent.push(body);
      },
      { learn: 'learn-queue', respond: 'respond-queue' },
    );
    const findings = [
      heartbeat(),
      ...Array.from({ length: 1500 }, (_, i) => flow({ client: { ip: '10.0.0.1', port: i } })),
    ];
    const records = findings.map((finding, i) => ({
      id: `big#${i}`,
      batchId: 'big',
      namespace: 'shop',
      kind: finding.type,
      at: at(0),
      finding,
    }));
    await runtime.store.putBatch({ batchId: 'big', podUid: pod.uid, receivedAt: at(5), findings: records });
    await bus.publish({ type: 'batch', batchId: 'big', pod, receivedAt: at(5), findings });
    expect(Buffer.byteLength(sent[0] ?? '')).toBeLessThan(maxInlineBytes);
    expect(JSON.parse(sent[0] ?? '{}').findings).toBeUndefined();
    const result = await handler({ Records: [record('m1', sent[0] ?? '')] });
    expect(result.batchItemFailures).toEqual([]);
    expect((await runtime.store.listRules())[0]?.hits).toBe(1500);
  });
});
